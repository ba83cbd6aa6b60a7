package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/** IEEE binary32, little-endian: stored as is. */
final class F32Codec implements BlockCodec {
    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        dst[dstOffset] = LittleEndian.f32(src, offset);
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset) {
        LittleEndian.putF32(dst, offset, src[srcOffset]);
    }
}
