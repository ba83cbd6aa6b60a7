package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * TQ2_0 (ternary in 2 bits), 256 elements in 66 bytes: {@code qs[64]} then fp16 {@code d}. In chunk c = 0..1,
 * bits 2n..2n+1 of qs[32c + m] are element 128c + 32n + m; value (q - 1) * d (q = 3 is never written by the
 * quantizer but decodes to 2d).
 */
final class TQ2_0Codec implements BlockCodec {
    private static final int QK = 256;
    private static final int D = 64;

    @Override
    public GgmlType type() {
        return GgmlType.TQ2_0;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset + D);
        int y = dstOffset;
        for (int c = 0; c < 2; c++) {
            for (int n = 0; n < 4; n++) {
                for (int m = 0; m < 32; m++) {
                    int q = (LittleEndian.u8(src, offset + 32 * c + m) >>> (2 * n)) & 3;
                    dst[y++] = (q - 1) * d;
                }
            }
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** d = absmax, q = lroundf(x * (1/d)) + 1 (halves away from zero). */
    @Override
    public void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset) {
        float amax = GgmlRound.absMax(src, srcOffset, QK);
        float d = amax;
        float id = d != 0.0f ? 1.0f / d : 0.0f;
        for (int c = 0; c < 2; c++) {
            for (int m = 0; m < 32; m++) {
                int b = 0;
                for (int n = 0; n < 4; n++) {
                    int q = GgmlRound.roundHalfAway(src[srcOffset + 128 * c + 32 * n + m] * id) + 1;
                    b += (q & 3) << (2 * n);
                }
                LittleEndian.putI8(dst, offset + 32 * c + m, b);
            }
        }
        LittleEndian.putF16(dst, offset + D, d);
    }
}
