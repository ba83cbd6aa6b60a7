package dev.basalt.tensor.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The IQ dequantizers on hand-built blocks: each block sets a few fields to values whose decoded floats are worked
 * out here from the block layout and a few grid entries copied from ggml-common.h, so a wrong field offset, bit
 * position, scale nibble or grid byte order fails even where the ggml reference rows happen not to reach.
 */
class IqCodecTest {
    private static final short ONE = Float.floatToFloat16(1.0f);

    /** The 7 formats this class covers. */
    enum Iq {
        IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S, IQ1_M;

        GgmlType type() {
            return GgmlType.valueOf(name());
        }
    }

    @ParameterizedTest
    @EnumSource(Iq.class)
    void isRegisteredAndReadOnly(Iq iq) {
        BlockCodec codec = ReferenceCodecs.of(iq.type());
        assertEquals(iq.type(), codec.type());
        assertFalse(codec.canQuantize());
        MemorySegment dst = MemorySegment.ofArray(new byte[iq.type().bytesPerBlock()]);
        assertThrows(UnsupportedOperationException.class, () -> codec.quantizeBlock(new float[256], 0, dst, 0));
    }

    /**
     * An all-zero block has d = 0, so every element is zero. ggml's formulas fix the sign: the IQ2/IQ3 formats
     * multiply 0 by a positive grid value and +1 (sign index 0 has no minus signs), giving +0.0; IQ1_S/IQ1_M
     * multiply 0 by (grid + delta) = -1 + 0.125 (grid entry 0 is all -1), giving -0.0.
     */
    @ParameterizedTest
    @EnumSource(Iq.class)
    void allZeroBlockDecodesToZeros(Iq iq) {
        float[] out = decode(iq.type(), new byte[iq.type().bytesPerBlock()]);
        float zero = iq == Iq.IQ1_S || iq == Iq.IQ1_M ? -0.0f : 0.0f;
        float[] expected = new float[256];
        Arrays.fill(expected, zero);
        assertBits(expected, out);
    }

    /** Decoding a block at an odd byte offset into the middle of an array gives the same floats (unaligned reads). */
    @ParameterizedTest
    @EnumSource(Iq.class)
    void decodesAtAnyOffset(Iq iq) {
        GgmlType t = iq.type();
        byte[] block = new byte[t.bytesPerBlock()];
        new Random(42 + iq.ordinal()).nextBytes(block);
        // keep the scale a small normal fp16 so that every output is finite
        if (iq == Iq.IQ1_M) {
            block[49] = (byte) ((block[49] & 0x0F) | 0x00);
            block[51] = (byte) ((block[51] & 0x0F) | 0x00);
            block[53] = (byte) ((block[53] & 0x0F) | 0x80);
            block[55] = (byte) ((block[55] & 0x0F) | 0x30); // d = fp16 0x3800 = 0.5
        } else {
            MemorySegment.ofArray(block).set(LittleEndian.SHORT, 0, Float.floatToFloat16(0.5f));
        }
        float[] direct = decode(t, block);
        byte[] padded = new byte[block.length + 7];
        System.arraycopy(block, 0, padded, 3, block.length);
        float[] shifted = new float[256 + 10];
        t.codec().dequantizeBlock(MemorySegment.ofArray(padded), 3, shifted, 5);
        assertBits(direct, Arrays.copyOfRange(shifted, 5, 261));
        for (int i : new int[] {0, 1, 2, 3, 4, 261, 262, 263, 264, 265}) {
            assertEquals(0f, shifted[i], "element " + i + " outside the block was written");
        }
    }

    @Test
    void iq2xxs() {
        byte[] b = new byte[66];
        MemorySegment s = MemorySegment.ofArray(b);
        s.set(LittleEndian.SHORT, 0, ONE);
        // group 0: grid indices 1, 0, 255, 0; sign indices 1 (0x81), 0, 127 (0xff), 0; scale 3
        b[2] = 1;
        b[4] = (byte) 255;
        LittleEndian.putI32(s, 6, (3 << 28) | 1 | (127 << 14));
        float db = 0.875f; // 1 * (0.5 + 3) * 0.25
        float[] e = new float[256];
        Arrays.fill(e, 1.0f); // other groups: scale 0, db = 0.125, grid entry 0 = all 8
        // iq2xxs_grid[1] = 0x080808080808082b, signs on elements 0 and 7
        set(e, 0, db, -43, 8, 8, 8, 8, 8, 8, -8);
        set(e, 8, db, 8, 8, 8, 8, 8, 8, 8, 8);
        // iq2xxs_grid[255] = 0x2b2b2b1908081908, all negative
        set(e, 16, db, -8, -25, -8, -8, -25, -43, -43, -43);
        set(e, 24, db, 8, 8, 8, 8, 8, 8, 8, 8);
        assertBits(e, decode(GgmlType.IQ2_XXS, b));
    }

    @Test
    void iq2xs() {
        byte[] b = new byte[74];
        MemorySegment s = MemorySegment.ofArray(b);
        s.set(LittleEndian.SHORT, 0, Float.floatToFloat16(2.0f));
        LittleEndian.putU16(s, 2, 256 | (1 << 9)); // iq2xs_grid[256], sign index 1
        LittleEndian.putU16(s, 6, 511 | (127 << 9)); // iq2xs_grid[511] (all 0x2b), all negative
        b[66] = 0x51; // first 16 elements scale 1, next 16 scale 5
        float db0 = 0.75f; // 2 * 1.5 * 0.25
        float db1 = 2.75f; // 2 * 5.5 * 0.25
        float[] e = new float[256];
        Arrays.fill(e, 2.0f); // scale 0: 2 * 0.5 * 0.25 = 0.25, times 8
        // iq2xs_grid[256] = 0x190808080808192b
        set(e, 0, db0, -43, 25, 8, 8, 8, 8, 8, -25);
        set(e, 8, db0, 8, 8, 8, 8, 8, 8, 8, 8);
        set(e, 16, db1, -43, -43, -43, -43, -43, -43, -43, -43);
        set(e, 24, db1, 8, 8, 8, 8, 8, 8, 8, 8);
        assertBits(e, decode(GgmlType.IQ2_XS, b));
    }

    @Test
    void iq2s() {
        byte[] b = new byte[82];
        MemorySegment.ofArray(b).set(LittleEndian.SHORT, 0, ONE);
        // 32-element block 1: group 0 index 2 << 8 | 0 = 512, group 3 index 3 << 8 | 0xff = 1023
        b[2 + 4 + 3] = (byte) 0xff;
        b[66 + 1] = (byte) (2 | (3 << 6));
        b[34 + 4] = 0x01; // explicit signs of group 0: element 0
        b[34 + 4 + 3] = (byte) 0x80; // of group 3: element 7
        b[74 + 1] = 0x20; // scales 0 (groups 0-1) and 2 (groups 2-3)
        float[] e = new float[256];
        Arrays.fill(e, 1.0f); // scale 0: 0.125 * 8
        // iq2s_grid[512] = 0x19080819082b1919
        set(e, 32, 0.125f, -25, 25, 43, 8, 25, 8, 8, 25);
        set(e, 48, 0.625f, 8, 8, 8, 8, 8, 8, 8, 8);
        set(e, 56, 0.625f, 43, 43, 43, 43, 43, 43, 43, -43); // iq2s_grid[1023] = all 0x2b
        assertBits(e, decode(GgmlType.IQ2_S, b));
    }

    @Test
    void iq3xxs() {
        byte[] b = new byte[98];
        MemorySegment s = MemorySegment.ofArray(b);
        s.set(LittleEndian.SHORT, 0, ONE);
        b[2 + 2] = 1; // elements 8..11: iq3xxs_grid[1] = 0x04040414
        b[2 + 3] = (byte) 255; // elements 12..15: iq3xxs_grid[255] = 0x3e341c04
        LittleEndian.putI32(s, 66, (2 << 28) | (1 << 7)); // scale 2, sign index 1 (0x81) for elements 8..15
        float db = 1.25f; // 1 * 2.5 * 0.5
        float[] e = new float[256];
        Arrays.fill(e, 1.0f); // scale 0: 0.25 * 4
        Arrays.fill(e, 0, 32, 5.0f); // scale 2: 1.25 * 4
        set(e, 8, db, -20, 4, 4, 4, 4, 28, 52, -62);
        assertBits(e, decode(GgmlType.IQ3_XXS, b));
    }

    @Test
    void iq3s() {
        byte[] b = new byte[110];
        MemorySegment.ofArray(b).set(LittleEndian.SHORT, 0, Float.floatToFloat16(0.5f));
        b[66 + 1] = 0x04; // 32-element block 1: 9th index bit of its index 2 (elements 40..43)
        b[74 + 4 + 1] = 0x10; // signs of elements 40..47: bit 4 = element 44
        b[106] = 0x30; // block 0 scale 0, block 1 scale 3
        float[] e = new float[256];
        Arrays.fill(e, 0.5f); // 0.5 * (1 + 0) * iq3s_grid[0] (all 1)
        Arrays.fill(e, 32, 64, 3.5f); // 0.5 * (1 + 6)
        set(e, 40, 3.5f, 7, 5, 9, 5, -1, 1, 1, 1); // iq3s_grid[256] = 0x05090507
        assertBits(e, decode(GgmlType.IQ3_S, b));
    }

    @Test
    void iq1s() {
        byte[] b = new byte[50];
        MemorySegment s = MemorySegment.ofArray(b);
        s.set(LittleEndian.SHORT, 0, Float.floatToFloat16(0.25f));
        // 32-element block 2: delta sign, scale 5, group 1 high index bits 4
        LittleEndian.putU16(s, 34 + 4, 0x8000 | (5 << 12) | (4 << 3));
        b[2 + 8 + 2] = 1; // group 2: iq1s_grid[1] = 0xffffffffffffff01
        float[] e = new float[256];
        Arrays.fill(e, 0.25f * (-1 + 0.125f)); // iq1s_grid[0] is all -1
        float dl = 2.75f; // 0.25 * (2*5 + 1)
        float m = -0.125f;
        Arrays.fill(e, 64, 96, dl * (-1 + m));
        set(e, 72, dl, m, 1 + m, -1 + m, m, m, m, m, m); // iq1s_grid[1024] = 0x0000000000ff0100
        set(e, 80, dl, 1 + m, -1 + m, -1 + m, -1 + m, -1 + m, -1 + m, -1 + m, -1 + m);
        assertBits(e, decode(GgmlType.IQ1_S, b));
    }

    @Test
    void iq1m() {
        byte[] b = new byte[56];
        MemorySegment s = MemorySegment.ofArray(b);
        // d = 0.5 = fp16 0x3800: nibbles 0, 0, 8, 3 in the top of scale words 0..3
        // 32-element block 5 (word 2, bits 6..11): scale 2 for groups 0-1, 6 for groups 2-3
        LittleEndian.putU16(s, 48 + 4, 0x8000 | (2 << 6) | (6 << 9));
        LittleEndian.putU16(s, 48 + 6, 0x3000);
        b[20] = 1; // block 5 group 0: iq1s_grid[1]
        b[32 + 10] = 0x08; // block 5 group 0: delta negative
        b[32 + 11] = (byte) (0x80 | (4 << 4)); // block 5 group 3: delta negative, high index bits 4 -> 1024
        float[] e = new float[256];
        Arrays.fill(e, 0.5f * (-1 + 0.125f));
        float dl1 = 2.5f; // 0.5 * (2*2 + 1)
        float dl2 = 6.5f; // 0.5 * (2*6 + 1)
        float m = -0.125f;
        float p = 0.125f;
        set(e, 160, dl1, 1 + m, -1 + m, -1 + m, -1 + m, -1 + m, -1 + m, -1 + m, -1 + m);
        set(e, 168, dl1, -1 + p, -1 + p, -1 + p, -1 + p, -1 + p, -1 + p, -1 + p, -1 + p);
        set(e, 176, dl2, -1 + p, -1 + p, -1 + p, -1 + p, -1 + p, -1 + p, -1 + p, -1 + p);
        set(e, 184, dl2, m, 1 + m, -1 + m, m, m, m, m, m);
        assertBits(e, decode(GgmlType.IQ1_M, b));
    }

    /** ggml multiplies by -1.f, so a set sign bit on a zero scale gives -0.0, not +0.0. */
    @Test
    void signBitOnZeroScaleGivesNegativeZero() {
        byte[] b = new byte[66];
        LittleEndian.putI32(MemorySegment.ofArray(b), 6, 127); // d = 0, group 0 elements 0..7 all negative
        float[] out = decode(GgmlType.IQ2_XXS, b);
        for (int i = 0; i < 256; i++) {
            assertEquals(Float.floatToRawIntBits(i < 8 ? -0.0f : 0.0f), Float.floatToRawIntBits(out[i]), "element " + i);
        }
    }

    /** e[at + j] = scale * v[j], in float, as ggml computes it. */
    private static void set(float[] e, int at, float scale, float... v) {
        for (int j = 0; j < v.length; j++) {
            e[at + j] = scale * v[j];
        }
    }

    private static float[] decode(GgmlType t, byte[] block) {
        float[] out = new float[t.blockSize()];
        t.codec().dequantizeBlock(MemorySegment.ofArray(block), 0, out, 0);
        return out;
    }

    private static void assertBits(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail("element " + i + ": expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }
}
