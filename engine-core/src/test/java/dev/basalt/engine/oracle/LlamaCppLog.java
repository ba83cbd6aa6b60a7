package dev.basalt.engine.oracle;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Receives llama.cpp's and ggml's log output (installed with {@code llama_log_set}) instead of letting it go
 * to stderr. It keeps the last lines so that a failure (a model llama.cpp refuses to load) can say why in its
 * exception message. With {@code -Dbasalt.oracle.log=true} every line is also echoed to stderr.
 */
final class LlamaCppLog {
    /** {@code enum ggml_log_level}. */
    static final int LEVEL_DEBUG = 1;
    static final int LEVEL_INFO = 2;
    static final int LEVEL_WARN = 3;
    static final int LEVEL_ERROR = 4;
    static final int LEVEL_CONT = 5;

    private static final int KEPT_LINES = 256;

    private record Line(long seq, int level, String text) {
    }

    private final boolean echo = Boolean.getBoolean("basalt.oracle.log");
    private final Deque<Line> lines = new ArrayDeque<>();
    private final StringBuilder partial = new StringBuilder();
    private int partialLevel = LEVEL_INFO;
    private long seq;

    /**
     * The {@code ggml_log_callback} target: {@code void (enum ggml_log_level, const char *, void *)}.
     * It runs inside native code, so it must never throw.
     */
    @SuppressWarnings("restricted") // the C string's length is unknown until its terminating NUL is found
    void accept(int level, MemorySegment text, MemorySegment userData) {
        try {
            String s = text.equals(MemorySegment.NULL) ? "" : text.reinterpret(Long.MAX_VALUE).getString(0);
            append(level, s);
        } catch (Throwable ignored) {
            // An exception escaping an upcall would terminate the JVM; a lost log line is harmless.
        }
    }

    private synchronized void append(int level, String s) {
        if (level != LEVEL_CONT && partial.isEmpty()) {
            partialLevel = level;
        }
        int start = 0;
        for (int nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', start)) {
            partial.append(s, start, nl);
            flush();
            start = nl + 1;
        }
        partial.append(s, start, s.length());
    }

    private void flush() {
        String text = partial.toString();
        partial.setLength(0);
        if (echo) {
            System.err.println("[llama.cpp] " + text);
        }
        lines.addLast(new Line(++seq, partialLevel, text));
        if (lines.size() > KEPT_LINES) {
            lines.removeFirst();
        }
    }

    /** A position in the log; lines logged later have a larger sequence number. */
    synchronized long mark() {
        return seq;
    }

    /** The warning and error lines logged after {@code mark}, joined for an exception message. */
    synchronized String problemsSince(long mark) {
        List<String> found = new ArrayList<>();
        for (Line l : lines) {
            if (l.seq > mark && (l.level == LEVEL_WARN || l.level == LEVEL_ERROR) && !l.text.isBlank()) {
                found.add(l.text.strip());
            }
        }
        return found.isEmpty() ? "(llama.cpp logged no warning or error; rerun with -Dbasalt.oracle.log=true)"
                : String.join(" | ", found);
    }
}
