package dev.basalt.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A typed, read-only view of a tensor's bytes, usually a slice of a model file's mapping (never a copy).
 * The shape is in ggml order: {@code shape[0]} is the contiguous (innermost) dimension, so a matrix of
 * {@code rows} rows of {@code cols} values has shape {@code [cols, rows]}.
 */
public final class Tensor {
    private final String name;
    private final GgmlType type;
    private final long[] shape;
    private final MemorySegment data;

    /**
     * @throws IllegalArgumentException when the shape has a negative dimension, rows are not whole blocks,
     *     or {@code data} is not exactly the size the type and shape need
     */
    public Tensor(String name, GgmlType type, long[] shape, MemorySegment data) {
        this.name = name;
        this.type = type;
        this.shape = shape.clone();
        this.data = data;
        long expected = byteSize(type, this.shape);
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' " + type + " " + Arrays.toString(shape)
                    + " needs " + expected + " bytes, data has " + data.byteSize());
        }
    }

    /**
     * Bytes a tensor of this type and shape occupies: whole blocks along {@code shape[0]}, rows packed.
     *
     * @throws IllegalArgumentException on a negative dimension or a row that is not a whole number of blocks
     * @throws ArithmeticException when the size overflows a long
     */
    public static long byteSize(GgmlType type, long... shape) {
        long elements = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            elements = Math.multiplyExact(elements, d);
        }
        if (shape.length > 0 && shape[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("row length " + shape[0] + " is not a multiple of the " + type
                    + " block size " + type.blockSize());
        }
        return type.byteSize(elements);
    }

    public String name() {
        return name;
    }

    public GgmlType type() {
        return type;
    }

    /** The dimensions, innermost first (a copy). */
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Dimension {@code i} in ggml order; 1 beyond the rank, as ggml pads shapes. */
    public long dim(int i) {
        return i < shape.length ? shape[i] : 1;
    }

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Number of rows: the product of all dimensions but the innermost. */
    public long rows() {
        return shape.length == 0 ? 1 : elementCount() / Math.max(1, shape[0]);
    }

    /** Bytes of one row ({@code shape[0]} elements). */
    public long rowBytes() {
        return type.byteSize(dim(0));
    }

    public MemorySegment data() {
        return data;
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape);
    }
}
