package dev.basalt.engine.oracle;

/**
 * The llama.cpp native library could not be extracted, loaded or bound. Tests that need the oracle fail with
 * this exception; they are never skipped silently.
 */
public final class LlamaCppUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LlamaCppUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
