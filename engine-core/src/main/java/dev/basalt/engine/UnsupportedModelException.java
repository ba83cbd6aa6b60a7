package dev.basalt.engine;

import java.util.List;

/**
 * The file is a well-formed model of an architecture (or a feature of one) this engine does not run. The message
 * names the file, what it asked for, and what is supported.
 */
public final class UnsupportedModelException extends RuntimeException {
    private final String source;
    private final String architecture;

    public UnsupportedModelException(String source, String architecture, List<String> supported) {
        super(source + ": architecture '" + architecture + "' is not supported; supported architectures: "
                + String.join(", ", supported));
        this.source = source;
        this.architecture = architecture;
    }

    /** A feature of a supported architecture that is not implemented yet (for example a RoPE scaling type). */
    public UnsupportedModelException(String source, String architecture, String feature) {
        super(source + ": " + architecture + " model uses " + feature + ", which is not supported yet");
        this.source = source;
        this.architecture = architecture;
    }

    public String source() {
        return source;
    }

    public String architecture() {
        return architecture;
    }
}
