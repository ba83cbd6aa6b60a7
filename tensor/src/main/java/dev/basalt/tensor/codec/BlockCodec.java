package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * The scalar reference codec of one format: how a block of its bytes turns into floats and back.
 * Implementations favour clarity over speed: they are the specification SIMD kernels are tested against,
 * and they follow ggml's float32 operation order so that results are bit-identical to llama.cpp's.
 */
public interface BlockCodec {

    GgmlType type();

    /** Decodes the block at {@code src[offset]} into {@code dst[dstOffset .. dstOffset + blockSize)}. */
    void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset);

    /** Whether this format has a quantizer here (some formats are only read). */
    default boolean canQuantize() {
        return false;
    }

    /** Encodes {@code src[srcOffset .. srcOffset + blockSize)} into the block at {@code dst[offset]}. */
    default void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset) {
        throw new UnsupportedOperationException("no quantizer for " + type() + "; it can only be read");
    }

    /** Decodes {@code n} elements (a whole number of blocks) starting at byte {@code offset}. */
    default void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        GgmlType t = type();
        checkWholeBlocks(t, n);
        for (int i = 0; i < n; i += t.blockSize()) {
            dequantizeBlock(src, offset, dst, dstOffset + i);
            offset += t.bytesPerBlock();
        }
    }

    /** Encodes {@code n} elements (a whole number of blocks) into consecutive blocks at byte {@code offset}. */
    default void quantize(float[] src, int srcOffset, int n, MemorySegment dst, long offset) {
        GgmlType t = type();
        checkWholeBlocks(t, n);
        for (int i = 0; i < n; i += t.blockSize()) {
            quantizeBlock(src, srcOffset + i, dst, offset);
            offset += t.bytesPerBlock();
        }
    }

    private static void checkWholeBlocks(GgmlType t, int n) {
        if (n < 0 || n % t.blockSize() != 0) {
            throw new IllegalArgumentException(n + " elements is not a whole number of " + t + " blocks of " + t.blockSize());
        }
    }
}
