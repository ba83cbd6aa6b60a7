package dev.basalt.gguf;

import dev.basalt.tensor.GgmlType;
import java.util.Arrays;

/**
 * One entry of a GGUF file's tensor table. {@code shape} is in ggml order (innermost dimension first);
 * {@code offset} is relative to the start of the data section, {@code fileOffset} absolute.
 */
public record GgufTensorInfo(String name, GgmlType type, long[] shape, long offset, long fileOffset, long byteSize) {

    public GgufTensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && t.name.equals(name) && t.type == type && Arrays.equals(t.shape, shape)
                && t.offset == offset && t.fileOffset == fileOffset && t.byteSize == byteSize;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape) + " @" + offset;
    }
}
