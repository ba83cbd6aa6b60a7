package dev.basalt.tensor.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Properties of the K-quant and IQ4 reference codecs that hold for any input, without ggml's vectors. */
class KQuantCodecTest {

    /**
     * Relative RMSE (rmse / rms(x)) no codec may exceed on Gaussian data; about 1.15 times the worst seen over
     * 50 seeds of 1024 values. Roughly halving per extra bit, so a codec falling back to a coarser grid shows.
     */
    static double relativeRmseBound(GgmlType t) {
        return switch (t) {
            case Q2_K -> 0.36;
            case Q3_K -> 0.185;
            case Q4_K -> 0.086;
            case Q5_K -> 0.045;
            case Q6_K -> 0.022;
            case IQ4_NL, IQ4_XS -> 0.092;
            default -> throw new IllegalArgumentException(t.toString());
        };
    }

    private static float[] gaussian(long seed, int n, double sigma) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * sigma);
        }
        return x;
    }

    private static float[] roundTrip(GgmlType t, float[] x) {
        BlockCodec c = t.codec();
        MemorySegment q = MemorySegment.ofArray(new byte[(int) t.byteSize(x.length)]);
        c.quantize(x, 0, x.length, q, 0);
        float[] back = new float[x.length];
        c.dequantize(q, 0, back, 0, x.length);
        return back;
    }

    private static double relativeRmse(float[] x, float[] y) {
        double err = 0;
        double sig = 0;
        for (int i = 0; i < x.length; i++) {
            double d = (double) x[i] - y[i];
            err += d * d;
            sig += (double) x[i] * x[i];
        }
        return Math.sqrt(err / sig);
    }

    @ParameterizedTest
    @EnumSource(names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_NL", "IQ4_XS"})
    void randomRoundTripStaysWithinTheFormatsErrorBound(GgmlType t) {
        assertTrue(t.codec().canQuantize());
        for (long seed = 1; seed <= 20; seed++) {
            // 0.1 .. 1e4: the error is relative to the data as long as the fp16 super-scales stay normal numbers
            double sigma = Math.pow(10, (seed % 6) - 1);
            float[] x = gaussian(seed, 1024, sigma);
            double rel = relativeRmse(x, roundTrip(t, x));
            assertTrue(rel <= relativeRmseBound(t), t + " seed " + seed + ": relative rmse " + rel);
        }
    }

    @Test
    void moreBitsGiveLessError() {
        float[] x = gaussian(99, 4096, 1);
        GgmlType[] byBits = {GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K};
        double previous = Double.POSITIVE_INFINITY;
        for (GgmlType t : byBits) {
            double rel = relativeRmse(x, roundTrip(t, x));
            assertTrue(rel < previous * 0.7, t + ": " + rel + " not clearly below " + previous);
            previous = rel;
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_NL", "IQ4_XS"})
    void allZeroBlockDecodesToZeros(GgmlType t) {
        float[] zeros = new float[t.blockSize() * 2];
        float[] negZeros = new float[zeros.length];
        Arrays.fill(negZeros, -0.0f);
        for (float[] x : new float[][] {zeros, negZeros}) {
            float[] back = roundTrip(t, x);
            for (int i = 0; i < back.length; i++) {
                assertEquals(0f, Math.abs(back[i]), t + " element " + i);
            }
        }
    }

    @Test
    void allZeroQ6KBlockIsAllZeroBytes() {
        // ggml clears the whole block when every group's scale is below GROUP_MAX_EPS
        GgmlType t = GgmlType.Q6_K;
        byte[] bytes = new byte[t.bytesPerBlock()];
        Arrays.fill(bytes, (byte) 0x5A);
        t.codec().quantize(new float[256], 0, 256, MemorySegment.ofArray(bytes), 0);
        assertArrayEquals(new byte[t.bytesPerBlock()], bytes);
    }

    @ParameterizedTest
    @EnumSource(names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_NL", "IQ4_XS"})
    void oddNumberOfBlocksAtOffsetsMatchesBlockByBlock(GgmlType t) {
        BlockCodec c = t.codec();
        int blocks = 3;
        int n = blocks * t.blockSize();
        int srcOffset = 7;
        long byteOffset = 5;
        float[] src = new float[srcOffset + n + 3];
        float[] g = gaussian(7, src.length, 2);
        System.arraycopy(g, 0, src, 0, src.length);
        byte[] whole = new byte[(int) byteOffset + blocks * t.bytesPerBlock() + 4];
        Arrays.fill(whole, (byte) 0x77);
        c.quantize(src, srcOffset, n, MemorySegment.ofArray(whole), byteOffset);

        for (int i = 0; i < byteOffset; i++) {
            assertEquals((byte) 0x77, whole[i], "byte before the blocks written");
        }
        for (int i = whole.length - 4; i < whole.length; i++) {
            assertEquals((byte) 0x77, whole[i], "byte after the blocks written");
        }
        for (int b = 0; b < blocks; b++) {
            byte[] one = new byte[t.bytesPerBlock()];
            c.quantizeBlock(src, srcOffset + b * t.blockSize(), MemorySegment.ofArray(one), 0);
            byte[] slice = Arrays.copyOfRange(whole, (int) byteOffset + b * t.bytesPerBlock(),
                    (int) byteOffset + (b + 1) * t.bytesPerBlock());
            assertArrayEquals(one, slice, t + " block " + b);
        }

        float[] back = new float[n + 9];
        Arrays.fill(back, Float.NaN);
        c.dequantize(MemorySegment.ofArray(whole), byteOffset, back, 4, n);
        for (int i = 0; i < back.length; i++) {
            boolean inside = i >= 4 && i < 4 + n;
            assertEquals(inside, !Float.isNaN(back[i]), "element " + i);
        }
        float[] direct = roundTrip(t, Arrays.copyOfRange(src, srcOffset, srcOffset + n));
        assertArrayEquals(direct, Arrays.copyOfRange(back, 4, 4 + n));
    }

    @ParameterizedTest
    @EnumSource(names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_NL", "IQ4_XS"})
    void partialBlocksAreRejected(GgmlType t) {
        BlockCodec c = t.codec();
        MemorySegment seg = MemorySegment.ofArray(new byte[4 * t.bytesPerBlock()]);
        assertThrows(IllegalArgumentException.class, () -> c.quantize(new float[1024], 0, t.blockSize() + 16, seg, 0));
        assertThrows(IllegalArgumentException.class,
                () -> c.dequantize(seg, 0, new float[1024], 0, t.blockSize() - 16));
    }

    private static double maxAbsError(GgmlType t, float[] x) {
        float[] back = roundTrip(t, x);
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs((double) x[i] - back[i]));
        }
        return max;
    }

    @Test
    void theMinCapturesAnOffsetRange() {
        // values in [-11, -10]: the affine formats spend their levels on the range 1 (the min absorbs the
        // offset), the symmetric ones on the whole 0..11, so Q2_K beats Q3_K and Q4_K beats Q6_K here
        Random r = new Random(11);
        float[] x = new float[2048];
        for (int i = 0; i < x.length; i++) {
            x[i] = -10 - r.nextFloat();
        }
        double q2 = maxAbsError(GgmlType.Q2_K, x);
        double q3 = maxAbsError(GgmlType.Q3_K, x);
        double q4 = maxAbsError(GgmlType.Q4_K, x);
        double q5 = maxAbsError(GgmlType.Q5_K, x);
        double q6 = maxAbsError(GgmlType.Q6_K, x);
        assertTrue(q4 < 0.15 && q5 < 0.15, "Q4_K " + q4 + ", Q5_K " + q5);
        assertTrue(q2 < q3, "Q2_K " + q2 + " vs Q3_K " + q3);
        assertTrue(q4 < q6, "Q4_K " + q4 + " vs Q6_K " + q6);
    }

    @Test
    void constantBlockIsReproducedClosely() {
        for (GgmlType t : new GgmlType[] {GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K,
                GgmlType.Q6_K, GgmlType.IQ4_NL, GgmlType.IQ4_XS}) {
            float[] x = new float[256];
            Arrays.fill(x, -0.75f);
            for (float v : roundTrip(t, x)) {
                assertEquals(-0.75f, v, 0.75f * 0.01f, t.toString());
            }
        }
    }
}
