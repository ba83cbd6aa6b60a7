package dev.basalt.engine;

import dev.basalt.gguf.ModelFormatException;

/** A model file lacks a tensor its architecture needs. */
public final class MissingTensorException extends ModelFormatException {
    private final String tensor;

    public MissingTensorException(String source, String tensor, String architecture) {
        super(source, source + ": tensor '" + tensor + "' is missing; a " + architecture + " model needs it", true);
        this.tensor = tensor;
    }

    public String tensor() {
        return tensor;
    }
}
