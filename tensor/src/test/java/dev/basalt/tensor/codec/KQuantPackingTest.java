package dev.basalt.tensor.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bit-packing helpers shared by the K-quant codecs, and the rounding and lookup primitives. */
class KQuantPackingTest {

    @Test
    void scaleMinPackingRoundTripsEveryPairAtEveryPosition() {
        Random r = new Random(1);
        for (int j = 0; j < ScaleMinPacking.PAIRS; j++) {
            for (int s = 0; s < 64; s++) {
                for (int m = 0; m < 64; m++) {
                    int[] scales = new int[8];
                    int[] mins = new int[8];
                    for (int k = 0; k < 8; k++) {
                        scales[k] = r.nextInt(64);
                        mins[k] = r.nextInt(64);
                    }
                    scales[j] = s;
                    mins[j] = m;
                    MemorySegment b = MemorySegment.ofArray(ScaleMinPacking.encode(scales, mins));
                    for (int k = 0; k < 8; k++) {
                        assertEquals(scales[k], ScaleMinPacking.scale(b, 0, k), "scale " + k);
                        assertEquals(mins[k], ScaleMinPacking.min(b, 0, k), "min " + k);
                    }
                }
            }
        }
    }

    @Test
    void scaleMinPackingFollowsGgmlLayout() {
        // pair 5 = (scale 0b10_1100, min 0b01_0011): low nibbles in byte 9, top bits in bytes 1 (scale) and 5 (min)
        int[] scales = new int[8];
        int[] mins = new int[8];
        scales[5] = 0b101100;
        mins[5] = 0b010011;
        byte[] b = ScaleMinPacking.encode(scales, mins);
        assertEquals((byte) 0x3C, b[9]);
        assertEquals((byte) 0x80, b[1]);
        assertEquals((byte) 0x40, b[5]);
        for (int i : new int[] {0, 2, 3, 4, 6, 7, 8, 10, 11}) {
            assertEquals(0, b[i], "byte " + i);
        }
    }

    @Test
    void scaleMinPackingRejectsValuesAboveSixBits() {
        assertThrows(IllegalArgumentException.class, () -> ScaleMinPacking.encode(new int[] {64, 0, 0, 0, 0, 0, 0, 0}, new int[8]));
        assertThrows(IllegalArgumentException.class, () -> ScaleMinPacking.encode(new int[8], new int[] {0, 0, 0, 0, 0, 0, 0, -1}));
    }

    @Test
    void q3kScalePackingRoundTripsEveryValueAtEveryPosition() {
        Random r = new Random(2);
        for (int i = 0; i < Q3KScalePacking.COUNT; i++) {
            for (int v = 0; v < 64; v++) {
                for (int rep = 0; rep < 8; rep++) {
                    int[] values = new int[16];
                    for (int k = 0; k < 16; k++) {
                        values[k] = r.nextInt(64);
                    }
                    values[i] = v;
                    byte[] b = Q3KScalePacking.encode(values);
                    for (int k = 0; k < 16; k++) {
                        assertEquals(values[k], Q3KScalePacking.get(b, k), "value " + k);
                    }
                }
            }
        }
    }

    @Test
    void q3kScalePackingFollowsGgmlLayout() {
        // value 13 = 0b11_0110: low nibble in the high nibble of byte 5, top bits in bits 6..7 of byte 9
        int[] values = new int[16];
        values[13] = 0b110110;
        byte[] b = Q3KScalePacking.encode(values);
        assertEquals((byte) 0x60, b[5]);
        assertEquals((byte) 0xC0, b[9]);
        assertThrows(IllegalArgumentException.class, () -> Q3KScalePacking.encode(new int[] {64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
    }

    @Test
    void twoBitPackingRoundTripsAndFollowsGgmlLayout() {
        Random r = new Random(3);
        int[] q = new int[256];
        for (int i = 0; i < 256; i++) {
            q[i] = r.nextInt(4);
        }
        MemorySegment s = MemorySegment.ofArray(new byte[TwoBitPacking.BYTES]);
        TwoBitPacking.put(q, s, 0);
        for (int i = 0; i < 256; i++) {
            assertEquals(q[i], TwoBitPacking.get(s, 0, i), "element " + i);
        }
        int[] one = new int[256];
        one[128 + 64 + 5] = 3; // half 1, run 2, position 5: bits 4..5 of byte 32 + 5
        TwoBitPacking.put(one, s, 0);
        assertEquals(0x30, LittleEndian.u8(s, 37));
    }

    @Test
    void nearestIntRoundsHalfToEvenLikeRint() {
        Random r = new Random(4);
        for (int i = 0; i < 200_000; i++) {
            float v = (r.nextFloat() * 2 - 1) * (float) Math.pow(2, r.nextInt(23));
            assertEquals((int) Math.rint(v), GgmlRound.nearestEven(v), "v = " + v);
        }
        for (int k = -1000; k <= 1000; k++) {
            float tie = k + 0.5f;
            assertEquals((int) Math.rint(tie), GgmlRound.nearestEven(tie), "tie " + tie);
        }
        assertEquals(0, GgmlRound.nearestEven(-0.0f));
        assertEquals(4194303, GgmlRound.nearestEven(4194303f));
        assertEquals(-4194303, GgmlRound.nearestEven(-4194303f));
    }

    @Test
    void bestIndexIsTheNearestGridEntryUpperOnTies() {
        byte[] v = Iq4NlValues.VALUES;
        for (int i = 0; i + 1 < v.length; i++) {
            float mid = (v[i] + v[i + 1]) / 2f; // exact in float
            assertEquals(i + 1, Iq4NlValues.bestIndex(mid), "midpoint " + mid);
            assertEquals(i, Iq4NlValues.bestIndex(Math.nextDown(mid)), "below midpoint " + mid);
            assertEquals(i, Iq4NlValues.bestIndex(v[i]));
        }
        Random r = new Random(5);
        for (int n = 0; n < 100_000; n++) {
            float x = (r.nextFloat() * 2 - 1) * 150;
            int best = 0;
            for (int i = 1; i < v.length; i++) {
                if (Math.abs(x - v[i]) <= Math.abs(x - v[best])) {
                    best = i;
                }
            }
            assertEquals(best, Iq4NlValues.bestIndex(x), "x = " + x);
        }
    }
}
