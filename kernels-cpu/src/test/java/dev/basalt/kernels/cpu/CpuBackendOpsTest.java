package dev.basalt.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import dev.basalt.tensor.compute.AttentionConfig;
import dev.basalt.tensor.compute.RopeConfig;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The non-matmul operations against straightforward double-precision formulas. Tolerances are relative float32
 * rounding (1e-5 of the magnitudes involved): the kernels compute in float32 in ggml's order, the references in
 * double.
 */
class CpuBackendOpsTest {
    private static final CpuBackend BACKEND = new CpuBackend(2);
    private final Random rnd = new Random(42);

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    private CpuActivation random(int n, double scale) {
        CpuActivation a = BACKEND.allocate(n);
        for (int i = 0; i < n; i++) {
            a.array()[i] = (float) (rnd.nextGaussian() * scale);
        }
        return a;
    }

    private static CpuActivation copyOf(CpuActivation a) {
        CpuActivation c = BACKEND.allocate(a.length());
        System.arraycopy(a.array(), 0, c.array(), 0, a.length());
        return c;
    }

    @Test
    void rmsNorm() {
        int dim = 37;
        int tokens = 3;
        CpuActivation x = random(dim * tokens, 2);
        CpuActivation w = random(dim, 1);
        CpuActivation out = BACKEND.allocate(dim * tokens);
        BACKEND.rmsNorm(x, w, out, dim, tokens, 1e-5f);
        for (int t = 0; t < tokens; t++) {
            double ss = 0;
            for (int i = 0; i < dim; i++) {
                ss += (double) x.array()[t * dim + i] * x.array()[t * dim + i];
            }
            double inv = 1 / Math.sqrt(ss / dim + 1e-5);
            for (int i = 0; i < dim; i++) {
                double e = x.array()[t * dim + i] * inv * w.array()[i];
                assertEquals(e, out.array()[t * dim + i], 1e-5 * Math.max(1, Math.abs(e)));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void rope(boolean neox) {
        int heads = 3;
        int headDim = 12;
        int dims = 8; // fewer than the head size: the last 4 values of each head are left alone
        int tokens = 4;
        int[] positions = {0, 5, 6, 300};
        float[] factors = {1f, 2f, 4f, 8f};
        RopeConfig cfg = new RopeConfig(dims, 10000f, neox, factors, 0.5f);
        CpuActivation x = random(heads * headDim * tokens, 1);
        CpuActivation before = copyOf(x);
        BACKEND.rope(x, heads, headDim, positions, tokens, cfg);
        for (int t = 0; t < tokens; t++) {
            for (int h = 0; h < heads; h++) {
                int base = (t * heads + h) * headDim;
                for (int i = 0; i < dims / 2; i++) {
                    double theta = 0.5 * positions[t] * Math.pow(10000, -2.0 * i / dims) / factors[i];
                    int a = neox ? base + i : base + 2 * i;
                    int b = neox ? base + i + dims / 2 : base + 2 * i + 1;
                    double x0 = before.array()[a];
                    double x1 = before.array()[b];
                    assertEquals(x0 * Math.cos(theta) - x1 * Math.sin(theta), x.array()[a], 1e-4, "pair " + i);
                    assertEquals(x0 * Math.sin(theta) + x1 * Math.cos(theta), x.array()[b], 1e-4, "pair " + i);
                }
                for (int i = dims; i < headDim; i++) {
                    assertEquals(before.array()[base + i], x.array()[base + i], "unrotated value " + i);
                }
            }
        }
    }

    /**
     * Grouped-query causal attention; with a window, a query at position p sees only p - window + 1 .. p (the
     * queries here reach position 6, beyond the window of 3, so the window cuts keys off); with a soft cap, scores
     * become cap·tanh(s/cap) before the softmax.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"0, 0", "3, 0", "3, 2", "0, 0.5"})
    void attentionWithGroupedQueries(int window, float softcap) {
        int heads = 6;
        int kvHeads = 2;
        int headDim = 5;
        int startPos = 3;
        int tokens = 4;
        int ctx = startPos + tokens + 2;
        AttentionConfig cfg = new AttentionConfig(heads, kvHeads, headDim, 0.37f, window, softcap);
        CpuActivation q = random(tokens * cfg.queryDim(), 1);
        CpuActivation k = random(ctx * cfg.kvDim(), 1);
        CpuActivation v = random(ctx * cfg.kvDim(), 1);
        CpuActivation out = BACKEND.allocate(tokens * cfg.queryDim());
        BACKEND.attention(q, k, v, out, tokens, startPos, cfg);
        for (int t = 0; t < tokens; t++) {
            int pos = startPos + t;
            for (int h = 0; h < heads; h++) {
                int kvh = h / (heads / kvHeads);
                int first = window > 0 ? Math.max(0, pos - window + 1) : 0;
                double[] p = new double[pos + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = first; j <= pos; j++) {
                    double s = 0;
                    for (int d = 0; d < headDim; d++) {
                        s += (double) q.array()[t * cfg.queryDim() + h * headDim + d] * k.array()[j * cfg.kvDim() + kvh * headDim + d];
                    }
                    p[j] = s * 0.37f;
                    if (softcap > 0) {
                        p[j] = softcap * Math.tanh(p[j] / softcap);
                    }
                    max = Math.max(max, p[j]);
                }
                double sum = 0;
                for (int j = first; j <= pos; j++) {
                    p[j] = Math.exp(p[j] - max);
                    sum += p[j];
                }
                for (int d = 0; d < headDim; d++) {
                    double e = 0;
                    for (int j = first; j <= pos; j++) {
                        e += p[j] / sum * v.array()[j * cfg.kvDim() + kvh * headDim + d];
                    }
                    assertEquals(e, out.array()[t * cfg.queryDim() + h * headDim + d], 1e-5, "token " + t + " head " + h);
                }
            }
        }
    }

    @Test
    void swigluAndAdd() {
        int n = 41;
        CpuActivation g = random(n, 3);
        CpuActivation u = random(n, 1);
        CpuActivation g0 = copyOf(g);
        BACKEND.swiglu(g, u, n);
        for (int i = 0; i < n; i++) {
            double x = g0.array()[i];
            double e = x / (1 + Math.exp(-x)) * u.array()[i];
            assertEquals(e, g.array()[i], 1e-5 * Math.max(1, Math.abs(e)));
        }
        CpuActivation a = random(n, 1);
        CpuActivation a0 = copyOf(a);
        BACKEND.add(a, u, n);
        for (int i = 0; i < n; i++) {
            assertEquals(a0.array()[i] + u.array()[i], a.array()[i]);
        }
    }

    /**
     * GeGLU against the float64 tanh-GELU formula. ggml (and so the backend) looks GELU up in a table of float16
     * results of float16-rounded inputs: half an f16 ulp of the input (2^-11 relative) moves GELU by at most
     * |gelu'| ≤ 1.13 times that, and the result is rounded to f16 again (another 2^-11 relative), so the bound is
     * 2.2 · 2^-11 of max(|x|, 2^-14) times |up|. Beyond ±10 the table is bypassed: 0 below, x above.
     */
    @Test
    void gegluFollowsTheTanhGeluThroughGgmlsHalfPrecisionTable() {
        int n = 4001;
        CpuActivation g = BACKEND.allocate(n);
        CpuActivation u = random(n, 1);
        for (int i = 0; i < n; i++) {
            g.array()[i] = -12f + 24f * i / (n - 1);
        }
        CpuActivation g0 = copyOf(g);
        BACKEND.geglu(g, u, n);
        for (int i = 0; i < n; i++) {
            double x = g0.array()[i];
            double gelu = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            double up = u.array()[i];
            if (x <= -10) {
                assertEquals(0.0, g.array()[i], 0.0, "x = " + x);
            } else if (x >= 10) {
                assertEquals((float) x * (float) up, g.array()[i], "x = " + x);
            } else {
                double bound = 2.2 * Math.scalb(1.0, -11) * Math.max(Math.abs(x), Math.scalb(1.0, -14)) * Math.abs(up);
                assertEquals(gelu * up, g.array()[i], bound + 1e-7, "x = " + x);
            }
        }
        // the table's rounding is visible: an input and its f16 neighbour-rounded twin give the same GELU
        CpuActivation a = BACKEND.allocate(2);
        CpuActivation one = BACKEND.allocate(2);
        a.array()[0] = 1.0f;
        a.array()[1] = 1.0f + 0x1p-12f; // rounds to 1.0 in float16
        one.array()[0] = 1f;
        one.array()[1] = 1f;
        BACKEND.geglu(a, one, 2);
        assertEquals(a.array()[0], a.array()[1]);
    }

    @Test
    void addBiasScaleAndSoftcap() {
        int dim = 7;
        int tokens = 3;
        CpuActivation x = random(dim * tokens, 20);
        CpuActivation bias = random(dim, 1);
        CpuActivation x0 = copyOf(x);
        BACKEND.addBias(x, bias, dim, tokens);
        for (int i = 0; i < dim * tokens; i++) {
            assertEquals(x0.array()[i] + bias.array()[i % dim], x.array()[i], "bias of value " + i);
        }
        CpuActivation s = copyOf(x0);
        BACKEND.scale(s, 0.25f, dim * tokens);
        for (int i = 0; i < dim * tokens; i++) {
            assertEquals(x0.array()[i] * 0.25f, s.array()[i]);
        }
        CpuActivation c = copyOf(x0);
        BACKEND.softcap(c, 30f, dim * tokens);
        for (int i = 0; i < dim * tokens; i++) {
            double e = 30 * Math.tanh(x0.array()[i] / 30.0);
            assertEquals(e, c.array()[i], 1e-5 * Math.max(1, Math.abs(e)));
            assertTrue(Math.abs(c.array()[i]) < 30f);
        }
    }

    /** Per-head norm: the same norm over rows of the head size, written in place. */
    @Test
    void rmsNormInPlaceOverHeads() {
        int headDim = 6;
        int rows = 5; // tokens x heads
        CpuActivation x = random(headDim * rows, 3);
        CpuActivation w = random(headDim, 1);
        CpuActivation expected = BACKEND.allocate(headDim * rows);
        BACKEND.rmsNorm(x, w, expected, headDim, rows, 1e-6f);
        BACKEND.rmsNorm(x, w, x, headDim, rows, 1e-6f);
        assertArrayEquals(expected.array(), x.array());
    }

    /** RoPE's magnitude (ggml's attn_factor) multiplies the rotated pairs and leaves the rest. */
    @Test
    void ropeMagnitudeScalesRotatedPairsOnly() {
        int headDim = 8;
        int[] positions = {3};
        CpuActivation x = random(headDim, 1);
        CpuActivation plain = copyOf(x);
        BACKEND.rope(plain, 1, headDim, positions, 1, new RopeConfig(6, 10000f, true, null, 1f));
        BACKEND.rope(x, 1, headDim, positions, 1, new RopeConfig(6, 10000f, true, null, 1f, 1.5f));
        for (int i = 0; i < 6; i++) {
            assertEquals(plain.array()[i] * 1.5f, x.array()[i], 1e-6 * Math.max(1, Math.abs(x.array()[i])));
        }
        assertEquals(plain.array()[6], x.array()[6]);
        assertEquals(plain.array()[7], x.array()[7]);
    }

    @Test
    void rowsDequantizeEmbeddings() {
        int cols = 64;
        int rows = 5;
        float[] w = new float[cols * rows];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        MemorySegment bytes = Arena.ofAuto().allocate(Tensor.byteSize(GgmlType.Q8_0, cols, rows));
        GgmlType.Q8_0.codec().quantize(w, 0, w.length, bytes, 0);
        var table = BACKEND.matrix(new Tensor("embd", GgmlType.Q8_0, new long[] {cols, rows}, bytes));
        CpuActivation out = BACKEND.allocate(2 * cols);
        BACKEND.rows(table, new int[] {4, 1}, out);
        float[] expected = new float[cols];
        GgmlType.Q8_0.codec().dequantize(bytes, 4 * table.cols() / 32 * 34L, expected, 0, cols);
        for (int i = 0; i < cols; i++) {
            assertEquals(expected[i], out.array()[i]);
        }
        assertThrows(IllegalArgumentException.class, () -> BACKEND.rows(table, new int[] {5}, out));
    }

    /** LayerNorm against the float64 formula with the biased variance; tolerance float32 rounding of values ~|w|·4. */
    @Test
    void layerNormCentresScalesAndShifts() {
        int dim = 37;
        int tokens = 3;
        CpuActivation x = random(dim * tokens, 2);
        for (int i = 0; i < dim * tokens; i++) {
            x.array()[i] += 5; // an offset the mean must remove
        }
        CpuActivation w = random(dim, 1);
        CpuActivation b = random(dim, 1);
        CpuActivation out = BACKEND.allocate(dim * tokens);
        BACKEND.layerNorm(x, w, b, out, dim, tokens, 1e-12f);
        for (int t = 0; t < tokens; t++) {
            double mean = 0;
            for (int i = 0; i < dim; i++) {
                mean += x.array()[t * dim + i];
            }
            mean /= dim;
            double var = 0;
            for (int i = 0; i < dim; i++) {
                double d = x.array()[t * dim + i] - mean;
                var += d * d;
            }
            var /= dim;
            for (int i = 0; i < dim; i++) {
                double e = (x.array()[t * dim + i] - mean) / Math.sqrt(var + 1e-12) * w.array()[i] + b.array()[i];
                assertEquals(e, out.array()[t * dim + i], 1e-5 * 8, "token " + t + " value " + i);
            }
        }
        BACKEND.layerNorm(x, w, b, x, dim, tokens, 1e-12f);
        assertArrayEquals(out.array(), x.array(), "in place gives the same bits");
    }

    @Test
    void geluIsGegluWithoutTheGateAndTanhIsTanh() {
        int n = 301;
        CpuActivation x = BACKEND.allocate(n);
        CpuActivation ones = BACKEND.allocate(n);
        for (int i = 0; i < n; i++) {
            x.array()[i] = -12f + 24f * i / (n - 1);
            ones.array()[i] = 1f;
        }
        CpuActivation gated = copyOf(x);
        CpuActivation t = copyOf(x);
        BACKEND.geglu(gated, ones, n);
        BACKEND.gelu(x, n);
        assertArrayEquals(gated.array(), x.array());
        BACKEND.tanh(t, n);
        for (int i = 0; i < n; i++) {
            assertEquals(Math.tanh(-12.0 + 24.0 * i / (n - 1)), t.array()[i], 1e-6);
        }
    }

    /**
     * Non-causal attention lets every token see the whole sequence: it equals causal attention of the last token
     * computed for each query alone (a causal query at the end sees everything).
     */
    @Test
    void nonCausalAttentionSeesTheWholeSequence() {
        int heads = 4;
        int kvHeads = 2;
        int headDim = 5;
        int tokens = 6;
        AttentionConfig bidirectional = new AttentionConfig(heads, kvHeads, headDim, 0.4f, 0, 0, false);
        AttentionConfig causal = new AttentionConfig(heads, kvHeads, headDim, 0.4f, 0, 0);
        CpuActivation q = random(tokens * bidirectional.queryDim(), 1);
        CpuActivation k = random(tokens * bidirectional.kvDim(), 1);
        CpuActivation v = random(tokens * bidirectional.kvDim(), 1);
        CpuActivation out = BACKEND.allocate(tokens * bidirectional.queryDim());
        BACKEND.attention(q, k, v, out, tokens, 0, bidirectional);
        int qd = bidirectional.queryDim();
        for (int t = 0; t < tokens; t++) {
            CpuActivation one = BACKEND.allocate(qd);
            System.arraycopy(q.array(), t * qd, one.array(), 0, qd);
            CpuActivation expected = BACKEND.allocate(qd);
            BACKEND.attention(one, k, v, expected, 1, tokens - 1, causal);
            for (int i = 0; i < qd; i++) {
                assertEquals(expected.array()[i], out.array()[t * qd + i], "token " + t);
            }
        }
    }

    /**
     * Packed sequences attend only within themselves: each one's output is bit for bit what it gives alone (positions
     * restart at 0), causal or not, with or without a window.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"true, 0", "false, 0", "true, 2"})
    void packedSequencesAttendOnlyWithinThemselves(boolean causal, int window) {
        int heads = 4;
        int kvHeads = 2;
        int headDim = 5;
        int[] starts = {0, 3, 4, 9};
        int tokens = 12;
        AttentionConfig cfg = new AttentionConfig(heads, kvHeads, headDim, 0.4f, window, 0, causal);
        int qd = cfg.queryDim();
        int kd = cfg.kvDim();
        CpuActivation q = random(tokens * qd, 1);
        CpuActivation k = random(tokens * kd, 1);
        CpuActivation v = random(tokens * kd, 1);
        CpuActivation out = BACKEND.allocate(tokens * qd);
        BACKEND.packedAttention(q, k, v, out, tokens, starts, cfg);
        for (int s = 0; s < starts.length; s++) {
            int start = starts[s];
            int n = (s + 1 < starts.length ? starts[s + 1] : tokens) - start;
            CpuActivation qs = BACKEND.allocate(n * qd);
            CpuActivation ks = BACKEND.allocate(n * kd);
            CpuActivation vs = BACKEND.allocate(n * kd);
            System.arraycopy(q.array(), start * qd, qs.array(), 0, n * qd);
            System.arraycopy(k.array(), start * kd, ks.array(), 0, n * kd);
            System.arraycopy(v.array(), start * kd, vs.array(), 0, n * kd);
            CpuActivation alone = BACKEND.allocate(n * qd);
            BACKEND.attention(qs, ks, vs, alone, n, 0, cfg);
            for (int i = 0; i < n * qd; i++) {
                assertEquals(alone.array()[i], out.array()[start * qd + i], "sequence " + s);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> BACKEND.packedAttention(q, k, v, out, tokens, new int[] {0, 5, 5}, cfg));
    }
}
