package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * IQ4_XS ({@code block_iq4_xs}, 256 elements, 136 bytes): fp16 d, uint16 scales_h, 4 bytes scales_l, 128 bytes of
 * 4-bit grid indices. Block ib (32 elements) has the 6-bit scale ls whose low nibble is nibble ib%2 of
 * scales_l[ib/2] and whose top two bits are bits 2ib..2ib+1 of scales_h; its indices are qs[16ib..16ib+15]
 * arranged as IQ4_NL. Value (d * (ls - 32)) * {@link Iq4NlValues#VALUES}[q].
 * Quantizer: {@link Iq4NlSearch} with eight blocks per super-block.
 */
final class IQ4_XSCodec implements BlockCodec {
    private static final int D = 0;
    private static final int SCALES_H = 2;
    private static final int SCALES_L = 4;
    private static final int QS = 8;

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_XS;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset + D);
        int scalesH = LittleEndian.u16(src, offset + SCALES_H);
        for (int ib = 0; ib < 8; ib++) {
            int ls = (LittleEndian.u8(src, offset + SCALES_L + ib / 2) >> (4 * (ib % 2))) & 0xF
                    | ((scalesH >> (2 * ib)) & 3) << 4;
            float dl = d * (ls - 32);
            for (int j = 0; j < 16; j++) {
                int b = LittleEndian.u8(src, offset + QS + 16 * ib + j);
                dst[dstOffset + 32 * ib + j] = dl * Iq4NlValues.VALUES[b & 0xF];
                dst[dstOffset + 32 * ib + j + 16] = dl * Iq4NlValues.VALUES[b >> 4];
            }
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset) {
        Iq4NlSearch.Result r = Iq4NlSearch.quantize(src, srcOffset, 256);
        int scalesH = 0;
        int[] scalesL = new int[4];
        for (int ib = 0; ib < 8; ib++) {
            int ls = r.scales()[ib];
            scalesL[ib / 2] |= (ls & 0xF) << (4 * (ib % 2));
            scalesH |= (ls >> 4) << (2 * ib);
        }
        LittleEndian.putU16(dst, offset + D, r.d());
        LittleEndian.putU16(dst, offset + SCALES_H, scalesH);
        for (int i = 0; i < 4; i++) {
            LittleEndian.putI8(dst, offset + SCALES_L + i, scalesL[i]);
        }
        MemorySegment.copy(MemorySegment.ofArray(r.qs()), 0, dst, offset + QS, 128);
    }
}
