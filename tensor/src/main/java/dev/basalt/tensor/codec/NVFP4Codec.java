package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * NVFP4, 64 elements in 36 bytes: four UE4M3 scale bytes {@code d[s]}, one per 16-element sub-block, then 32
 * bytes of E2M1 nibbles. Sub-block s uses bytes 8s..8s+7 of them: low nibble of byte 8s + j = element
 * 16s + j, high nibble = element 16s + j + 8. Value {@code E2M1.VALUES[q] * S/2} with S the UE4M3 value.
 */
final class NVFP4Codec implements BlockCodec {
    private static final int QK = 64;
    private static final int SUB = 16;
    private static final int QS = 4;

    @Override
    public GgmlType type() {
        return GgmlType.NVFP4;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        for (int s = 0; s < QK / SUB; s++) {
            float d = UE4M3.toFloatHalf(LittleEndian.u8(src, offset + s));
            int y = dstOffset + s * SUB;
            for (int j = 0; j < SUB / 2; j++) {
                int b = LittleEndian.u8(src, offset + QS + s * (SUB / 2) + j);
                dst[y + j] = E2M1.VALUES[b & 0x0F] * d;
                dst[y + j + SUB / 2] = E2M1.VALUES[b >>> 4] * d;
            }
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** Per sub-block: S = UE4M3(absmax / 6) (6 = largest E2M1 value), then nearest table value at the decoded S. */
    @Override
    public void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset) {
        for (int s = 0; s < QK / SUB; s++) {
            int x = srcOffset + s * SUB;
            float amax = 0.0f;
            for (int j = 0; j < SUB; j++) {
                if (amax < Math.abs(src[x + j])) {
                    amax = Math.abs(src[x + j]);
                }
            }
            int ue = UE4M3.fromFloat(amax / 6.0f);
            LittleEndian.putI8(dst, offset + s, ue);
            float d = UE4M3.toFloatHalf(ue);
            for (int j = 0; j < SUB / 2; j++) {
                int q0 = E2M1.nearestIndex(src[x + j], d);
                int q1 = E2M1.nearestIndex(src[x + j + SUB / 2], d);
                LittleEndian.putI8(dst, offset + QS + s * (SUB / 2) + j, q0 | (q1 << 4));
            }
        }
    }
}
