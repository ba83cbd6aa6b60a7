package dev.basalt.engine.convert;

import dev.basalt.gguf.ModelFormatException;

/**
 * A tensor is already quantized and would be quantized again to another type, which compounds two rounding errors;
 * refused unless the caller allows it ({@code --allow-requantize}).
 */
public final class RequantizationException extends ModelFormatException {
    public RequantizationException(String source, String tensor, String from, String to) {
        super(source, -1, "tensor '" + tensor + "' is already " + from + "; re-quantizing it to " + to
                + " compounds two rounding errors (quantize from an F32, F16 or BF16 file, or pass --allow-requantize)");
    }
}
