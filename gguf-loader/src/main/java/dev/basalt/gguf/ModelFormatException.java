package dev.basalt.gguf;

/**
 * A model file is not what it claims to be: truncated, corrupt, of an unsupported version, or lying about
 * its sizes. The message names the file, the byte offset or metadata key, and what was expected.
 */
public class ModelFormatException extends RuntimeException {
    private final String source;
    private final long offset;

    /** A problem at byte {@code offset} of {@code source} ({@code offset < 0}: not tied to one position). */
    public ModelFormatException(String source, long offset, String problem) {
        super(source + (offset >= 0 ? ": at byte offset " + offset : "") + ": " + problem);
        this.source = source;
        this.offset = offset;
    }

    public ModelFormatException(String source, long offset, String problem, Throwable cause) {
        this(source, offset, problem);
        initCause(cause);
    }

    protected ModelFormatException(String source, String message, boolean unused) {
        super(message);
        this.source = source;
        this.offset = -1;
    }

    /** The file (or other source) that is malformed. */
    public String source() {
        return source;
    }

    /** The byte offset of the problem, or -1 when it is not tied to one position. */
    public long offset() {
        return offset;
    }
}
