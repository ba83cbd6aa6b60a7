package dev.basalt.engine;

import dev.basalt.gguf.ModelFormatException;
import java.util.Arrays;

/** A model file's tensor does not have the shape its metadata implies (or a type the engine cannot use). */
public final class TensorShapeException extends ModelFormatException {
    private final String tensor;

    public TensorShapeException(String source, String tensor, long[] actual, long[] expected, String why) {
        super(source, source + ": tensor '" + tensor + "' has shape " + Arrays.toString(actual) + ", expected "
                + Arrays.toString(expected) + " (ggml order, innermost first; " + why + ")", true);
        this.tensor = tensor;
    }

    public TensorShapeException(String source, String tensor, String problem) {
        super(source, source + ": tensor '" + tensor + "': " + problem, true);
        this.tensor = tensor;
    }

    public String tensor() {
        return tensor;
    }
}
