package dev.basalt.kernels.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.kernels.cpu.CpuBackend;
import dev.basalt.tensor.compute.Activation;
import dev.basalt.tensor.compute.AttentionConfig;
import dev.basalt.tensor.compute.Backend;
import dev.basalt.tensor.compute.RopeConfig;
import java.util.Random;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every non-matmul kernel against the CPU backend on the same random inputs. Both compute in float32 in the same
 * operation order; what differs is the device's transcendental functions (OpenCL allows 3-4 ulp for exp, tanh,
 * sin, cos; the CPU uses StrictMath), the order of the work group's tree sums (the CPU sums in sequence, norms in
 * double) and, for GeGLU, ggml's F16 table on the CPU. Each tolerance below is stated per operation as a bound
 * relative to the magnitudes involved; observed differences are one to two orders of magnitude below them.
 */
class OpenClOpsTest {
    private static OpenClBackend gpu;
    private static CpuBackend cpu;
    private final Random rnd = new Random(7);

    @BeforeAll
    static void open() {
        gpu = new OpenClBackend(OpenClTestDevice.get());
        cpu = new CpuBackend(1);
    }

    @AfterAll
    static void close() {
        if (gpu != null) {
            gpu.close();
            cpu.close();
        }
    }

    /** The same host values in an activation of each backend. */
    private record Pair(Activation gpu, Activation cpu, float[] values) {
    }

    private Pair random(int n, double scale) {
        float[] v = OpenClMatmulTest.gaussian(rnd, n, scale);
        Activation g = gpu.allocate(n);
        gpu.write(v, 0, g, 0, n);
        Activation c = cpu.allocate(n);
        cpu.write(v, 0, c, 0, n);
        return new Pair(g, c, v);
    }

    private static float[] read(Backend b, Activation a) {
        float[] out = new float[a.length()];
        b.read(a, 0, out, 0, out.length);
        return out;
    }

    /** Runs {@code op} on both backends' copies, then compares the target within {@code relative * scale + absolute}. */
    private static void assertSame(String what, Pair target, double relative, double absolute, BiConsumer<Backend, Boolean> op) {
        op.accept(gpu, true);
        op.accept(cpu, false);
        float[] g = read(gpu, target.gpu());
        float[] c = read(cpu, target.cpu());
        for (int i = 0; i < c.length; i++) {
            double allowed = relative * Math.abs(c[i]) + absolute;
            assertTrue(Math.abs(g[i] - c[i]) <= allowed, what + " value " + i + ": gpu " + g[i] + " cpu " + c[i]
                    + " (allowed " + allowed + ")");
        }
    }

    private static Activation of(Pair p, boolean onGpu) {
        return onGpu ? p.gpu() : p.cpu();
    }

    /** Per value 1e-5 relative: the scale 1/sqrt(mean + eps) differs by the sum's order and sqrt's 3 ulp. */
    @Test
    void rmsNormInPlaceAndAcrossRows() {
        int dim = 37;
        int tokens = 5;
        Pair x = random(dim * tokens, 2);
        Pair w = random(dim, 1);
        Pair out = random(dim * tokens, 0);
        assertSame("rmsNorm", out, 1e-5, 1e-7, (b, g) -> b.rmsNorm(of(x, g), of(w, g), of(out, g), dim, tokens, 1e-5f));
        assertSame("rmsNorm in place", x, 1e-5, 1e-7, (b, g) -> b.rmsNorm(of(x, g), of(w, g), of(x, g), dim, tokens, 1e-6f));
    }

    /**
     * The angles are the same float32 products; cos and sin differ by their ulps (|Δ| below 1e-6 for angles of a
     * few thousand radians), so each rotated value is within 2e-6 of (|x0| + |x1|) of the pair: 2e-6 * 4 sigma.
     */
    @ParameterizedTest(name = "neox={0} dims={1} factors={2}")
    @CsvSource({"false, 16, false", "true, 16, false", "false, 8, true", "true, 12, true"})
    void ropeAtScatteredPositions(boolean neox, int dims, boolean factors) {
        int heads = 3;
        int headDim = 16;
        int tokens = 4;
        int[] positions = {0, 1, 517, 4095};
        float[] ff = null;
        if (factors) {
            ff = new float[dims / 2];
            for (int i = 0; i < ff.length; i++) {
                ff[i] = 1 + rnd.nextFloat() * 7;
            }
        }
        RopeConfig rope = new RopeConfig(dims, 10000f, neox, ff, 0.5f, 1.1f);
        Pair x = random(tokens * heads * headDim, 1);
        assertSame("rope", x, 0, 8e-6, (b, g) -> b.rope(of(x, g), heads, headDim, positions, tokens, rope));
        // the positions' upload is cached by content: new positions in the same array must still be seen
        int[] later = {9, 10, 11, 12};
        assertSame("rope at new positions", x, 0, 1.6e-5, (b, g) -> b.rope(of(x, g), heads, headDim, later, tokens, rope));
    }

    /**
     * GQA (8 query heads on 2 KV heads), a batch of 3 tokens after 20 cached positions, with and without a window and
     * a soft cap. Probabilities differ by exp's ulps and the sum's order (relative 1e-6), so each output is within
     * 1e-5 of max |value|.
     */
    @ParameterizedTest(name = "window={0} softcap={1}")
    @CsvSource({"0, 0", "7, 0", "0, 30", "5, 50"})
    void attentionOverTheCache(int window, float softcap) {
        int heads = 8;
        int kvHeads = 2;
        int headDim = 16;
        int startPos = 20;
        int tokens = 3;
        AttentionConfig config = new AttentionConfig(heads, kvHeads, headDim, 0.25f, window, softcap);
        Pair q = random(tokens * config.queryDim(), 2);
        Pair keys = random((startPos + tokens) * config.kvDim(), 2);
        Pair values = random((startPos + tokens) * config.kvDim(), 1);
        Pair out = random(tokens * config.queryDim(), 0);
        double maxValue = 0;
        for (float v : values.values()) {
            maxValue = Math.max(maxValue, Math.abs(v));
        }
        assertSame("attention", out, 0, 1e-5 * maxValue,
                (b, g) -> b.attention(of(q, g), of(keys, g), of(values, g), of(out, g), tokens, startPos, config));
    }

    /** exp and tanh within a few ulps: 1e-5 relative. */
    @Test
    void swigluAddBiasScaleSoftcap() {
        int n = 301;
        Pair gate = random(n, 3);
        Pair up = random(n, 1);
        assertSame("swiglu", gate, 1e-5, 1e-7, (b, g) -> b.swiglu(of(gate, g), of(up, g), n));
        assertSame("add", gate, 1e-6, 0, (b, g) -> b.add(of(gate, g), of(up, g), n));
        Pair bias = random(7, 1);
        Pair x = random(7 * 43, 1);
        assertSame("addBias", x, 0, 0, (b, g) -> b.addBias(of(x, g), of(bias, g), 7, 43));
        assertSame("scale", x, 0, 0, (b, g) -> b.scale(of(x, g), 1.7f, 7 * 43));
        Pair logits = random(n, 40);
        assertSame("softcap", logits, 1e-5, 1e-6, (b, g) -> b.softcap(of(logits, g), 30f, n));
    }

    /** Mean and variance summed in another order, then sqrt's ulps: 1e-5 relative, as rmsNorm. */
    @Test
    void layerNormInPlaceAndAcrossRows() {
        int dim = 41;
        int tokens = 4;
        Pair x = random(dim * tokens, 2);
        Pair w = random(dim, 1);
        Pair bias = random(dim, 1);
        Pair out = random(dim * tokens, 0);
        assertSame("layerNorm", out, 1e-5, 1e-6,
                (b, g) -> b.layerNorm(of(x, g), of(w, g), of(bias, g), of(out, g), dim, tokens, 1e-12f));
        assertSame("layerNorm in place", x, 1e-5, 1e-6,
                (b, g) -> b.layerNorm(of(x, g), of(w, g), of(bias, g), of(x, g), dim, tokens, 1e-5f));
    }

    /** tanh within a few ulps: 1e-5 relative. GELU: as geglu below, the CPU's F16 table against the formula. */
    @Test
    void tanhAndGelu() {
        int n = 257;
        Pair t = random(n, 3);
        assertSame("tanh", t, 1e-5, 1e-7, (b, g) -> b.tanh(of(t, g), n));
        Pair x = random(n, 3);
        float[] x0 = x.values();
        gpu.gelu(x.gpu(), n);
        cpu.gelu(x.cpu(), n);
        float[] g = read(gpu, x.gpu());
        float[] c = read(cpu, x.cpu());
        for (int i = 0; i < n; i++) {
            double allowed = 2.5e-3 * (Math.abs(c[i]) + Math.abs(x0[i])) + 1e-7;
            assertTrue(Math.abs(g[i] - c[i]) <= allowed, "gelu " + i + ": gpu " + g[i] + " cpu " + c[i]);
        }
    }

    /**
     * Three sequences packed in one batch (5, 1 and 4 rows), causal or not, with and without a window: each token
     * sees only its own sequence. Tolerance as attention over the cache.
     */
    @ParameterizedTest(name = "causal={0} window={1}")
    @CsvSource({"false, 0", "true, 0", "true, 2", "false, 3"})
    void packedSequences(boolean causal, int window) {
        int heads = 4;
        int kvHeads = 2;
        int headDim = 8;
        int tokens = 10;
        int[] starts = {0, 5, 6};
        AttentionConfig config = new AttentionConfig(heads, kvHeads, headDim, 0.35f, window, 0f, causal);
        Pair q = random(tokens * config.queryDim(), 2);
        Pair keys = random(tokens * config.kvDim(), 2);
        Pair values = random(tokens * config.kvDim(), 1);
        Pair out = random(tokens * config.queryDim(), 0);
        double maxValue = 0;
        for (float v : values.values()) {
            maxValue = Math.max(maxValue, Math.abs(v));
        }
        assertSame("packedAttention", out, 0, 1e-5 * maxValue,
                (b, g) -> b.packedAttention(of(q, g), of(keys, g), of(values, g), of(out, g), tokens, starts, config));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> gpu.packedAttention(q.gpu(), keys.gpu(), values.gpu(), out.gpu(), tokens, new int[] {0, 7, 6}, config));
        assertTrue(e.getMessage().contains("packed sequence 1"), e.getMessage());
    }

    /**
     * The device computes GELU's formula in float32; the CPU looks it up in ggml's table of F16 results indexed by
     * F16(x). F16(x) moves x by up to 2^-11 |x| (GELU's slope is below 1.13) and the table rounds the result by
     * 2^-11: 2.5e-3 relative to |gelu(x) * up| and 2.5e-3 |x * up| cover both.
     */
    @Test
    void gegluWithinGgmlsF16Table() {
        int n = 513;
        Pair gate = random(n, 3);
        Pair up = random(n, 1);
        float[] g0 = gate.values();
        float[] u0 = up.values();
        gpu.geglu(gate.gpu(), up.gpu(), n);
        cpu.geglu(gate.cpu(), up.cpu(), n);
        float[] g = read(gpu, gate.gpu());
        float[] c = read(cpu, gate.cpu());
        for (int i = 0; i < n; i++) {
            double allowed = 2.5e-3 * (Math.abs(c[i]) + Math.abs(g0[i] * u0[i])) + 1e-7;
            assertTrue(Math.abs(g[i] - c[i]) <= allowed, "geglu " + i + ": gpu " + g[i] + " cpu " + c[i]);
        }
    }

    @Test
    void copyReadAndWriteAtOffsets() {
        Activation a = gpu.allocate(10);
        Activation b = gpu.allocate(10);
        gpu.write(new float[] {1, 2, 3, 4}, 1, a, 5, 3);
        gpu.copy(a, 4, b, 0, 4);
        float[] out = new float[6];
        gpu.read(b, 0, out, 1, 5);
        assertArrayEquals(new float[] {0, 0, 2, 3, 4, 0}, out);
        var e = assertThrows(IllegalArgumentException.class, () -> gpu.copy(a, 8, b, 0, 4));
        assertTrue(e.getMessage().contains("[8, 12) outside 10 floats"), e.getMessage());
    }
}
