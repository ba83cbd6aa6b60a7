package dev.basalt.benchmarks;

import java.io.Console;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress line for long-running commands, rewritten in place (carriage return) at most every 200 ms on the
 * terminal ({@link Console}), so that it never mixes into redirected output: a {@code --json} file or a log
 * gets only what the command prints itself. Without a terminal it is silent.
 */
final class TerminalProgress {
    private static final long INTERVAL_NANOS = 200_000_000L;

    private final PrintWriter terminal;
    private final String label;
    private final long total;
    private final long start = System.nanoTime();
    private long lastShown;
    private int shownWidth;

    /** @param total the amount of work, in {@link #update}'s unit (bytes, tokens, ...) */
    TerminalProgress(String label, long total) {
        Console console = System.console();
        this.terminal = console != null && console.isTerminal() ? console.writer() : null;
        this.label = label;
        this.total = Math.max(1, total);
    }

    /** Shows {@code done} of the total with the time so far and the time left, if the last update is old enough. */
    synchronized void update(long done, String detail) {
        long now = System.nanoTime();
        if (terminal == null || (now - lastShown < INTERVAL_NANOS && done < total)) {
            return;
        }
        lastShown = now;
        double seconds = (now - start) / 1e9;
        double fraction = Math.min(1.0, (double) done / total);
        String left = fraction > 0 && fraction < 1
                ? String.format(Locale.ROOT, ", %.0f s left", seconds / fraction * (1 - fraction)) : "";
        String line = String.format(Locale.ROOT, "%s %5.1f%% (%.0f s%s) %s", label, 100 * fraction, seconds, left, detail);
        terminal.print("\r" + line + " ".repeat(Math.max(0, shownWidth - line.length())));
        terminal.flush();
        shownWidth = line.length();
    }

    /** Clears the progress line, so that what follows starts on a clean line. */
    synchronized void finish() {
        if (terminal != null && shownWidth > 0) {
            terminal.print("\r" + " ".repeat(shownWidth) + "\r");
            terminal.flush();
            shownWidth = 0;
        }
    }
}
