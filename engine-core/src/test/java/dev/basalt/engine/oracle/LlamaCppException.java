package dev.basalt.engine.oracle;

/** llama.cpp refused an operation: a model it cannot load, a context it cannot create, a failed decode. */
public final class LlamaCppException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LlamaCppException(String message) {
        super(message);
    }
}
