package dev.basalt.examples;

import dev.basalt.engine.convert.ConversionProgress;
import dev.basalt.gguf.manifest.HashProgress;
import java.io.PrintStream;

/**
 * A one-line progress bar with bytes, rate and ETA, redrawn in place on stderr, for long operations such as
 * hashing and converting. Drawn only when stderr is a terminal: the launch script tells the JVM so with
 * {@code -Dbasalt.stderr.terminal=true} (the JVM cannot see it, as the script filters stderr through a pipe),
 * so logs and pipes never get carriage returns.
 */
final class ProgressBar implements HashProgress, ConversionProgress {
    static final String TERMINAL_PROPERTY = "basalt.stderr.terminal";
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream err;
    private final String label;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean finished;

    ProgressBar(PrintStream err, String label) {
        this.err = err;
        this.label = label;
    }

    /** A bar on {@code err} when stderr is a terminal, otherwise nothing. */
    static HashProgress onTerminal(PrintStream err, String label) {
        return Boolean.getBoolean(TERMINAL_PROPERTY) ? new ProgressBar(err, label) : HashProgress.NONE;
    }

    @Override
    public void update(long done, long total) {
        long now = System.nanoTime();
        boolean last = done >= total;
        if (finished || (!last && now - lastDraw < REDRAW_NANOS)) {
            return;
        }
        lastDraw = now;
        err.print("\r" + line(done, total, now - start) + (last ? "\n" : ""));
        err.flush();
        finished = last;
    }

    /** "hashing [=========>          ]  512.0 MiB / 1.0 GiB  50%  1.2 GiB/s  ETA 0:01". */
    String line(long done, long total, long elapsedNanos) {
        double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) (fraction * WIDTH);
        String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
        return String.format("%s [%s] %s / %s %3d%%  %s/s  ETA %d:%02d ", label, bar, InspectCommand.bytes(done),
                InspectCommand.bytes(total), Math.round(fraction * 100), InspectCommand.bytes((long) rate), eta / 60, eta % 60);
    }
}
