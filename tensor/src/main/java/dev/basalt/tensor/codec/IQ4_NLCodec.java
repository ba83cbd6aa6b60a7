package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * IQ4_NL ({@code block_iq4_nl}, 32 elements, 18 bytes): fp16 d, 16 bytes of 4-bit grid indices (low nibble of
 * byte j = element j, high nibble = element j + 16); value d * {@link Iq4NlValues#VALUES}[q].
 * Quantizer: {@link Iq4NlSearch} with one block per super-block.
 */
final class IQ4_NLCodec implements BlockCodec {
    private static final int D = 0;
    private static final int QS = 2;

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_NL;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset + D);
        for (int j = 0; j < 16; j++) {
            int b = LittleEndian.u8(src, offset + QS + j);
            dst[dstOffset + j] = d * Iq4NlValues.VALUES[b & 0xF];
            dst[dstOffset + j + 16] = d * Iq4NlValues.VALUES[b >> 4];
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset) {
        Iq4NlSearch.Result r = Iq4NlSearch.quantize(src, srcOffset, Iq4NlSearch.BLOCK);
        LittleEndian.putU16(dst, offset + D, r.d());
        MemorySegment.copy(MemorySegment.ofArray(r.qs()), 0, dst, offset + QS, 16);
    }
}
