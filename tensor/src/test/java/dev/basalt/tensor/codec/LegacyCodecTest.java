package dev.basalt.tensor.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Properties of the legacy, FP4, 1/2-bit, ternary and Q8_K codecs beyond ggml's reference vectors. */
class LegacyCodecTest {

    static List<GgmlType> types() {
        return List.of(GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0, GgmlType.Q8_1,
                GgmlType.Q8_K, GgmlType.MXFP4, GgmlType.NVFP4, GgmlType.Q1_0, GgmlType.Q2_0, GgmlType.TQ1_0,
                GgmlType.TQ2_0);
    }

    private static final double[] SCALES = {0.05, 1, 300};

    @ParameterizedTest
    @MethodSource("types")
    void roundTripErrorIsWithinTheFormatsBound(GgmlType type) {
        BlockCodec codec = type.codec();
        int bs = type.blockSize();
        int blocks = 64;
        Random rnd = new Random(type.id());
        for (double scale : SCALES) {
            float[] x = new float[bs * blocks];
            for (int i = 0; i < x.length; i++) {
                // mix of Gaussian and uniform blocks, some all-positive, some all-negative
                int b = i / bs;
                double g = b % 4 == 0 ? rnd.nextDouble() : b % 4 == 1 ? -rnd.nextDouble() : rnd.nextGaussian();
                x[i] = (float) (g * scale);
            }
            float[] y = roundTrip(codec, x);
            for (int b = 0; b < blocks; b++) {
                int sub = type == GgmlType.NVFP4 ? 16 : bs; // NVFP4's scale is per 16 elements
                for (int s = b * bs; s < (b + 1) * bs; s += sub) {
                    double bound = bound(type, x, s, sub);
                    for (int i = s; i < s + sub; i++) {
                        double err = Math.abs((double) x[i] - y[i]);
                        assertTrue(err <= bound, type + " scale " + scale + " element " + i + ": x " + x[i] + " decoded "
                                + y[i] + " error " + err + " > bound " + bound);
                    }
                }
            }
        }
    }

    /** The largest error the format allows for block x[from .. from + n), from its quantizer's definition. */
    private static double bound(GgmlType type, float[] x, int from, int n) {
        double amax = 0;
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (int i = from; i < from + n; i++) {
            amax = Math.max(amax, Math.abs(x[i]));
            min = Math.min(min, x[i]);
            max = Math.max(max, x[i]);
        }
        double fp16 = 0x1p-11; // relative rounding of a normal fp16 scale
        double eps = amax * 1e-6; // float32 rounding of the products
        return switch (type) {
            // d = amax / 8 (resp. 16): the side opposite the extreme reaches +8 (+16) and is clamped one step short
            case Q4_0 -> amax / 8 * (1 + 8 * fp16) + eps;
            case Q5_0 -> amax / 16 * (1 + 16 * fp16) + eps;
            case Q4_1 -> (max - min) / 15 * (0.5 + 15 * fp16) + Math.abs(min) * fp16 + eps;
            case Q5_1 -> (max - min) / 31 * (0.5 + 31 * fp16) + Math.abs(min) * fp16 + eps;
            case Q8_0, Q8_1 -> amax / 127 * (0.5 + 127 * fp16) + eps;
            case Q8_K -> amax / 127 * 0.5 + eps; // float32 scale
            case Q2_0, TQ1_0, TQ2_0 -> amax * (0.5 + fp16) + eps; // levels -d, 0, d with d = amax
            // d = 2^(E-3), E = floor(log2 amax): values in (12d, 16d) clip to 12d, elsewhere half a step <= 2d
            case MXFP4 -> Math.scalb(1.0, Math.getExponent((float) amax) - 1) + eps;
            // S ~ amax/6 rounded to 3 mantissa bits: half the widest step (4S..6S) is S, clipping <= amax/16
            case NVFP4 -> Math.max(amax / 6 * (1 + 0x1p-3), amax / 15) + eps;
            // every value is +-mean|x|: the error is at most max(amax, mean) + mean
            case Q1_0 -> 2 * amax * (1 + fp16) + eps;
            default -> throw new AssertionError(type);
        };
    }

    /**
     * A zero block must not produce NaN (ggml guards 1/d with {@code d ? 1/d : 0}). Q4_0 and Q5_0 decode it to
     * -0.0, as ggml does: their d is 0 / -8 = -0.0 (ggml's own dequantization of the all-zero row 3 is -0.0).
     */
    @ParameterizedTest
    @MethodSource("types")
    void allZeroBlocksDecodeToZeros(GgmlType type) {
        BlockCodec codec = type.codec();
        int expectedBits = type == GgmlType.Q4_0 || type == GgmlType.Q5_0 ? 0x80000000 : 0;
        for (float z : new float[] {0.0f, -0.0f}) {
            float[] x = new float[type.blockSize() * 2];
            java.util.Arrays.fill(x, z);
            float[] y = roundTrip(codec, x);
            for (int i = 0; i < y.length; i++) {
                assertEquals(expectedBits, Float.floatToRawIntBits(y[i]), type + " input " + z + " element " + i + " gave " + y[i]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void wholeRowCallsEqualBlockByBlockCallsAtAnyOffset(GgmlType type) {
        BlockCodec codec = type.codec();
        int bs = type.blockSize();
        int bpb = type.bytesPerBlock();
        int blocks = 3;
        Random rnd = new Random(42 + type.id());
        float[] src = new float[5 + blocks * bs];
        for (int i = 0; i < src.length; i++) {
            src[i] = (float) rnd.nextGaussian();
        }
        // filled with garbage first: every byte of every block must be written
        byte[] rowBytes = new byte[7 + blocks * bpb];
        java.util.Arrays.fill(rowBytes, (byte) 0x5A);
        MemorySegment row = MemorySegment.ofArray(rowBytes);
        codec.quantize(src, 5, blocks * bs, row, 7);
        MemorySegment single = MemorySegment.ofArray(new byte[bpb]);
        for (int b = 0; b < blocks; b++) {
            codec.quantizeBlock(src, 5 + b * bs, single, 0);
            assertArrayEquals(single.toArray(ValueLayout.JAVA_BYTE),
                    row.asSlice(7 + (long) b * bpb, bpb).toArray(ValueLayout.JAVA_BYTE), type + " block " + b);
        }
        assertEquals(0x5A, rowBytes[6], "byte before the row untouched");

        float[] all = new float[3 + blocks * bs];
        codec.dequantize(row, 7, all, 3, blocks * bs);
        float[] one = new float[bs];
        for (int b = 0; b < blocks; b++) {
            codec.dequantizeBlock(row, 7 + (long) b * bpb, one, 0);
            assertArrayEquals(one, java.util.Arrays.copyOfRange(all, 3 + b * bs, 3 + (b + 1) * bs), type + " block " + b);
        }
        assertThrows(IllegalArgumentException.class, () -> codec.quantize(src, 0, bs + 1, row, 0));
        assertThrows(IllegalArgumentException.class, () -> codec.dequantize(row, 0, all, 0, bs - 1));
    }

    @Test
    void q8_1SumFieldIsFp16OfScaleTimesQuantSum() {
        BlockCodec codec = GgmlType.Q8_1.codec();
        Random rnd = new Random(7);
        MemorySegment blk = MemorySegment.ofArray(new byte[36]);
        for (int t = 0; t < 200; t++) {
            float[] x = new float[32];
            double shift = rnd.nextGaussian(); // non-zero mean so the sum is not ~0
            for (int i = 0; i < 32; i++) {
                x[i] = (float) (rnd.nextGaussian() + shift);
            }
            codec.quantizeBlock(x, 0, blk, 0);
            float amax = 0;
            for (float v : x) {
                amax = Math.max(amax, Math.abs(v));
            }
            float d = amax / 127; // the float32 d, not the stored fp16
            int sum = 0;
            for (int i = 0; i < 32; i++) {
                sum += LittleEndian.i8(blk, 4 + i);
            }
            assertEquals(Float.floatToFloat16(d), (short) LittleEndian.u16(blk, 0));
            assertEquals(Float.floatToFloat16(sum * d), (short) LittleEndian.u16(blk, 2), "s of trial " + t);
        }
    }

    @Test
    void q8_KBlockSumsAreSumsOfSixteenQuantsAndScaleIsInverse() {
        BlockCodec codec = GgmlType.Q8_K.codec();
        Random rnd = new Random(8);
        float[] x = new float[256];
        for (int i = 0; i < 256; i++) {
            x[i] = (float) (rnd.nextGaussian() * 3 + 1);
        }
        MemorySegment blk = MemorySegment.ofArray(new byte[292]);
        codec.quantizeBlock(x, 0, blk, 0);
        for (int g = 0; g < 16; g++) {
            int sum = 0;
            for (int i = 0; i < 16; i++) {
                sum += LittleEndian.i8(blk, 4 + 16 * g + i);
            }
            assertEquals(sum, (short) LittleEndian.u16(blk, 4 + 256 + 2 * g), "bsums[" + g + "]");
        }
        // iscale = -127 / extreme: the extreme element maps to -127 * sign(extreme)
        int extreme = 0;
        for (int i = 1; i < 256; i++) {
            if (Math.abs(x[i]) > Math.abs(x[extreme])) {
                extreme = i;
            }
        }
        assertEquals(x[extreme] > 0 ? -127 : 127, LittleEndian.i8(blk, 4 + extreme));
        assertTrue(LittleEndian.f32(blk, 0) * x[extreme] < 0, "d has the opposite sign of the extreme");
    }

    @Test
    void q1_0DecodesToSignTimesMeanMagnitude() {
        BlockCodec codec = GgmlType.Q1_0.codec();
        Random rnd = new Random(9);
        float[] x = new float[128];
        for (int i = 0; i < 128; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        x[5] = -0.0f; // sign bit set, but x >= 0 holds: decodes to +d
        float sum = 0; // in element order, in float32, as ggml
        for (float v : x) {
            sum += Math.abs(v);
        }
        float d = Float.float16ToFloat(Float.floatToFloat16(sum / 128));
        float[] y = roundTrip(codec, x);
        for (int i = 0; i < 128; i++) {
            float expected = x[i] >= 0 ? d : -d;
            assertEquals(expected, y[i], "element " + i);
        }
    }

    @Test
    void q4_0PutsTheFirstExtremeAtMinusEight() {
        // d = (first signed value of largest magnitude) / -8: it decodes exactly, the opposite sign clamps at +7
        float[] x = new float[32];
        x[3] = -4.0f; // first extreme: d = 0.5, 1/d = 2
        x[4] = 4.0f; // same magnitude, later: 8 + 8.5 -> 16 -> clamped to 15 -> 3.5
        x[5] = 1.25f; // 2.5 + 8.5 = 11 -> 1.5: truncating x + 8.5 rounds halves up
        x[6] = -1.25f; // -2.5 + 8.5 = 6 -> -1.0
        float[] y = roundTrip(GgmlType.Q4_0.codec(), x);
        assertArrayEquals(new float[] {-4.0f, 3.5f, 1.5f, -1.0f}, java.util.Arrays.copyOfRange(y, 3, 7));

        x[3] = 4.0f; // now the positive one comes first: d = -0.5
        x[4] = -4.0f;
        y = roundTrip(GgmlType.Q4_0.codec(), x);
        assertArrayEquals(new float[] {4.0f, -3.5f}, java.util.Arrays.copyOfRange(y, 3, 5));
    }

    @Test
    void q8_0RoundsHalvesAwayFromZero() {
        float[] x = new float[32];
        x[0] = 127.0f; // d = 1
        x[1] = 2.5f;
        x[2] = -2.5f;
        x[3] = 0.49999997f;
        x[4] = -126.5f;
        float[] y = roundTrip(GgmlType.Q8_0.codec(), x);
        assertArrayEquals(new float[] {127, 3, -3, 0, -127}, java.util.Arrays.copyOf(y, 5));
    }

    private static float[] roundTrip(BlockCodec codec, float[] x) {
        GgmlType t = codec.type();
        MemorySegment q = MemorySegment.ofArray(new byte[(int) t.byteSize(x.length)]);
        codec.quantize(x, 0, x.length, q, 0);
        float[] y = new float[x.length];
        codec.dequantize(q, 0, y, 0, x.length);
        return y;
    }
}
