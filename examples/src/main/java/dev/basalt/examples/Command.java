package dev.basalt.examples;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * One {@code basalt <command>}. Besides the built-in commands, {@link Basalt} runs those that other modules on the
 * class path provide as services ({@code META-INF/services/dev.basalt.examples.Command}): the benchmarks module's
 * {@code bench} and {@code synth}, which this module cannot depend on.
 */
public interface Command {

    String name();

    /** One line for the command list. */
    String summary();

    /** Usage text shown by {@code basalt help <command>} and on a usage error. */
    String usage();

    /**
     * Runs the command.
     *
     * @return the process exit status
     * @throws UsageException on bad arguments
     * @throws Exception anything else, reported by {@link Basalt} as one line
     */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;

    /** As {@link #run(List, PrintStream, PrintStream)}, for a command that reads its standard input. */
    default int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        return run(args, out, err);
    }
}
