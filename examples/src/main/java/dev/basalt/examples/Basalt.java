package dev.basalt.examples;

import dev.basalt.engine.ContextOverflowException;
import dev.basalt.engine.EmbeddingOnlyModelException;
import dev.basalt.engine.IncompatiblePoolingException;
import dev.basalt.engine.InputTooLongException;
import dev.basalt.gguf.ModelFormatException;
import dev.basalt.gguf.manifest.ManifestException;
import dev.basalt.tensor.compute.BackendUnavailableException;
import dev.basalt.tokenizer.template.TemplateException;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The {@code basalt} command line. Errors reach the user as one line on stderr and a non-zero exit status
 * (1 for a failure, 2 for a wrong command line); {@code --debug} anywhere adds the stack trace.
 */
public final class Basalt {
    private static final List<Command> COMMANDS = commands();

    private Basalt() {
    }

    /** The built-in commands, then those other modules on the class path provide as services. */
    private static List<Command> commands() {
        List<Command> all = new ArrayList<>(List.of(new RunCommand(), new ChatCommand(), new ServeCommand(),
                new EmbedCommand(), new RerankCommand(), new InspectCommand(), new TokenizeCommand(),
                new ManifestCommand(), new ConvertCommand(false), new ConvertCommand(true), new DevicesCommand()));
        ServiceLoader.load(Command.class).forEach(all::add);
        return List.copyOf(all);
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, out, err));
    }

    /** Runs one command line and returns its exit status (for tests and embedding). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    /** As {@link #run(String[], PrintStream, PrintStream)} with this standard input. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean debug = rest.remove("--debug");
        if (rest.isEmpty() || rest.get(0).equals("help") || rest.get(0).equals("--help") || rest.get(0).equals("-h")) {
            if (rest.size() > 1) {
                Command c = find(rest.get(1));
                if (c != null) {
                    out.println(c.usage());
                    return 0;
                }
            }
            printHelp(out);
            return rest.isEmpty() ? 2 : 0;
        }
        Command command = find(rest.get(0));
        if (command == null) {
            err.println("basalt: unknown command '" + rest.get(0) + "' (try: basalt help)");
            return 2;
        }
        List<String> commandArgs = rest.subList(1, rest.size());
        if (commandArgs.contains("--help") || commandArgs.contains("-h")) {
            out.println(command.usage());
            return 0;
        }
        try {
            return command.run(commandArgs, in, out, err);
        } catch (UsageException e) {
            err.println("basalt " + command.name() + ": " + e.getMessage());
            err.println(command.usage());
            return 2;
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            err.println("basalt " + command.name() + ": " + describe(e));
            if (debug) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    /** One line that says what went wrong, without a stack trace. */
    static String describe(Throwable e) {
        if (e instanceof ModelFormatException || e instanceof ManifestException || e instanceof TemplateException
                || e instanceof ContextOverflowException || e instanceof BackendUnavailableException
                || e instanceof InputTooLongException || e instanceof IncompatiblePoolingException
                || e instanceof EmbeddingOnlyModelException) {
            return e.getMessage();
        }
        if (e instanceof IllegalArgumentException) {
            return e.getMessage(); // a value the library refuses (a context length too large), said in its own words
        }
        if (e instanceof NoSuchFileException n) {
            return "no such file: " + n.getFile() + (n.getReason() != null ? " (" + n.getReason() + ")" : "");
        }
        if (e instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (e instanceof FileNotFoundException) {
            return e.getMessage();
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m) + " (run with --debug for details)";
    }

    private static Command find(String name) {
        for (Command c : COMMANDS) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static void printHelp(PrintStream out) {
        out.println("usage: basalt <command> [options]   (basalt help <command> for details; --debug shows stack traces)");
        out.println();
        for (Command c : COMMANDS) {
            out.printf("  %-10s %s%n", c.name(), c.summary());
        }
    }
}
