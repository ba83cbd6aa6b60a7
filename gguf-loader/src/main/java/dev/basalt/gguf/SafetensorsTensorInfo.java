package dev.basalt.gguf;

import java.util.Arrays;

/**
 * One entry of a safetensors header. {@code shape} is as stored, row-major (outermost dimension first, the
 * reverse of ggml order); {@code begin} and {@code end} are offsets in the data section, {@code fileOffset}
 * is absolute within {@code file}.
 */
public record SafetensorsTensorInfo(String name, SafetensorsDtype dtype, long[] shape, long begin, long end,
        long fileOffset, String file) {

    public SafetensorsTensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long byteSize() {
        return end - begin;
    }

    /** The shape in ggml order (innermost first). */
    public long[] ggmlShape() {
        long[] r = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            r[i] = shape[shape.length - 1 - i];
        }
        return r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SafetensorsTensorInfo t && t.name.equals(name) && t.dtype == dtype && Arrays.equals(t.shape, shape)
                && t.begin == begin && t.end == end && t.fileOffset == fileOffset && t.file.equals(file);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape);
    }
}
