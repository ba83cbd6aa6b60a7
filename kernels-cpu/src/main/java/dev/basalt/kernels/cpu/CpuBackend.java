package dev.basalt.kernels.cpu;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import dev.basalt.tensor.compute.Activation;
import dev.basalt.tensor.compute.AttentionConfig;
import dev.basalt.tensor.compute.AttentionSpans;
import dev.basalt.tensor.compute.Backend;
import dev.basalt.tensor.compute.RopeConfig;
import dev.basalt.tensor.compute.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The CPU backend: activations are heap {@code float[]} ({@link CpuActivation}), weights stay in the file mapping
 * and are read in place by one {@link RowKernel} per format.
 *
 * <p>Matrix products follow llama.cpp's CPU numerics: the activations are first converted to the weight format's
 * {@code vec_dot_type} (F32 for F32, F16 for F16, Q8_0 for Q4_0/Q5_0/Q8_0/IQ4_NL, Q8_1 for Q4_1/Q5_1, Q8_K for
 * Q2_K..Q6_K and IQ4_XS) and each row is an integer block dot product as ggml's generic {@code vec_dot} functions
 * define it. Formats without such a kernel dequantize each row and multiply in float32
 * ({@link DequantizingRowKernel}). Norms, RoPE, softmax and SwiGLU follow ggml-cpu's {@code ops.cpp} operation
 * order (double accumulation where ggml uses {@code ggml_float}).
 *
 * <p>Results are deterministic: the same call gives the same bits on every run, thread count and JIT state
 * (transcendental functions are {@link StrictMath}'s, vector lanes are summed in a fixed order, and every output
 * value is computed by one thread in a fixed order).
 *
 * <p>Thread-safety: operations may run concurrently on disjoint activations; per-call scratch is per thread.
 * Rows of a matrix product and heads of attention are split over one long-lived {@link WorkerPool}.
 */
public final class CpuBackend implements Backend {
    private final WorkerPool pool;
    private final ThreadLocal<CallScratch> callScratch = ThreadLocal.withInitial(CallScratch::new);
    private volatile boolean closed;

    /** Per calling thread: the quantized activation rows of one product and the reusable pool jobs. */
    private static final class CallScratch {
        final MatmulBatch matmul = new MatmulBatch();
        final AttentionTask attention = new AttentionTask();
        /** The input's rows in each {@link ActivationFormat} (by ordinal) a product of this call needs. */
        final QuantizedVector[][] rows = new QuantizedVector[ActivationFormat.values().length][0];
        /** Bit f set: {@link #rows}[f] already holds this call's input. */
        int quantized;
        final MemorySegment q8k = Arena.ofAuto().allocate(GgmlType.Q8_K.bytesPerBlock());

        float[] cos = new float[0];
        float[] sin = new float[0];
        /** Attention's key span of each token ({@link #last} sized alike). */
        int[] first = new int[0];
        int[] last = new int[0];

        int[] spans(int tokens) {
            if (first.length < tokens) {
                first = new int[tokens];
                last = new int[tokens];
            }
            return first;
        }

        /** RoPE's per-position cos and sin tables ({@link #sin} sized alike). */
        float[] cos(int n) {
            if (cos.length < n) {
                cos = new float[n];
                sin = new float[n];
            }
            return cos;
        }

        /** {@code tokens} rows of {@code cols} floats of {@code xs} in {@code format}, converted once per call. */
        QuantizedVector[] rows(ActivationFormat format, float[] xs, int cols, int tokens) {
            int f = format.ordinal();
            if (rows[f].length < tokens) {
                QuantizedVector[] grown = java.util.Arrays.copyOf(rows[f], tokens);
                for (int i = rows[f].length; i < tokens; i++) {
                    grown[i] = new QuantizedVector();
                }
                rows[f] = grown;
            }
            if ((quantized & (1 << f)) == 0) {
                for (int t = 0; t < tokens; t++) {
                    format.quantize(xs, t * cols, cols, rows[f][t], q8k);
                }
                quantized |= 1 << f;
            }
            return rows[f];
        }
    }

    /** A backend using all available processors. */
    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** A backend splitting work over {@code threads} threads (the caller's included). */
    public CpuBackend(int threads) {
        this.pool = new WorkerPool(threads);
    }

    @Override
    public String name() {
        return "cpu";
    }

    public int threads() {
        return pool.threads();
    }

    private static float[] array(Activation a) {
        if (a instanceof CpuActivation c) {
            return c.array();
        }
        throw new IllegalArgumentException("not a CPU activation: " + a);
    }

    private static CpuWeightMatrix matrix(WeightMatrix w) {
        if (w instanceof CpuWeightMatrix m) {
            return m;
        }
        throw new IllegalArgumentException("not a CPU weight matrix: " + w);
    }

    private static void checkLength(String what, float[] a, long needed) {
        if (a.length < needed) {
            throw new IllegalArgumentException(what + " holds " + a.length + " floats, needs " + needed);
        }
    }

    @Override
    public CpuActivation allocate(int floats) {
        return new CpuActivation(floats);
    }

    @Override
    public void write(float[] src, int srcOffset, Activation dst, int dstOffset, int n) {
        System.arraycopy(src, srcOffset, array(dst), dstOffset, n);
    }

    @Override
    public void read(Activation src, int srcOffset, float[] dst, int dstOffset, int n) {
        System.arraycopy(array(src), srcOffset, dst, dstOffset, n);
    }

    @Override
    public void copy(Activation src, int srcOffset, Activation dst, int dstOffset, int n) {
        System.arraycopy(array(src), srcOffset, array(dst), dstOffset, n);
    }

    /** A view of the mapped tensor with its format's kernel; nothing is copied. */
    @Override
    public WeightMatrix matrix(Tensor weight) {
        return new CpuWeightMatrix(weight);
    }

    @Override
    public Activation vector(Tensor weight) {
        long n = weight.elementCount();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("vector '" + weight.name() + "' too large: " + weight);
        }
        CpuActivation a = new CpuActivation((int) n);
        weight.type().codec().dequantize(weight.data(), 0, a.array(), 0, (int) n);
        return a;
    }

    @Override
    public void rows(WeightMatrix table, int[] ids, Activation out) {
        CpuWeightMatrix m = matrix(table);
        float[] o = array(out);
        int cols = m.cols();
        checkLength("embedding output", o, (long) ids.length * cols);
        var codec = m.type().codec();
        for (int t = 0; t < ids.length; t++) {
            int id = ids[t];
            if (id < 0 || id >= m.rows()) {
                throw new IllegalArgumentException("token id " + id + " out of range [0, " + m.rows() + ") of " + m.name());
            }
            codec.dequantize(m.data(), id * m.rowBytes(), o, t * cols, cols);
        }
    }

    @Override
    public void matmul(WeightMatrix w, Activation x, Activation y, int tokens) {
        CpuWeightMatrix m = checkProduct(w, x, y, tokens, matrix(w).cols());
        CallScratch cs = callScratch.get();
        setPart(cs, 0, m, x, y, tokens);
        runProducts(cs, 1, m.cols(), tokens);
    }

    /** One job for all products (see {@link MatmulBatch}); the input is converted once per activation format. */
    @Override
    public void matmuls(WeightMatrix[] w, Activation x, Activation[] y, int tokens) {
        if (w.length != y.length) {
            throw new IllegalArgumentException(w.length + " matrices but " + y.length + " outputs");
        }
        if (w.length == 0) {
            return;
        }
        int cols = matrix(w[0]).cols();
        for (int i = 0; i < w.length; i++) {
            checkProduct(w[i], x, y[i], tokens, cols);
        }
        CallScratch cs = callScratch.get();
        for (int i = 0; i < w.length; i++) {
            setPart(cs, i, matrix(w[i]), x, y[i], tokens);
        }
        runProducts(cs, w.length, cols, tokens);
    }

    private static CpuWeightMatrix checkProduct(WeightMatrix w, Activation x, Activation y, int tokens, int cols) {
        CpuWeightMatrix m = matrix(w);
        if (m.cols() != cols) {
            throw new IllegalArgumentException(m.name() + " has " + m.cols() + " columns, the input " + cols);
        }
        checkLength("matmul input", array(x), (long) tokens * cols);
        checkLength("matmul output", array(y), (long) tokens * m.rows());
        return m;
    }

    /** Sets part {@code p} of the calling thread's batch to {@code y = m · x}, converting x if not yet done. */
    private static void setPart(CallScratch cs, int p, CpuWeightMatrix m, Activation x, Activation y, int tokens) {
        QuantizedVector[] qx = cs.rows(m.kernel.activationFormat(), array(x), m.cols(), tokens);
        cs.matmul.part(p).set(m, qx, tokens, array(y));
    }

    private void runProducts(CallScratch cs, int parts, int cols, int tokens) {
        MatmulBatch batch = cs.matmul;
        try {
            pool.forRange(batch.prepare(parts), (long) cols * tokens, batch);
        } finally {
            batch.clear();
            cs.quantized = 0;
        }
    }

    /** As ggml's rms_norm then mul: sum of squares in double, {@code scale = 1/sqrtf(mean + eps)}, (x*scale)*w. */
    @Override
    public void rmsNorm(Activation x, Activation weight, Activation out, int dim, int tokens, float eps) {
        float[] xs = array(x);
        float[] w = array(weight);
        float[] o = array(out);
        checkLength("rmsNorm input", xs, (long) dim * tokens);
        checkLength("rmsNorm weight", w, dim);
        checkLength("rmsNorm output", o, (long) dim * tokens);
        for (int t = 0; t < tokens; t++) {
            int base = t * dim;
            double sum = 0;
            for (int i = 0; i < dim; i++) {
                float v = xs[base + i];
                sum += v * v;
            }
            float mean = (float) (sum / dim);
            float scale = 1.0f / (float) StrictMath.sqrt(mean + eps);
            for (int i = 0; i < dim; i++) {
                o[base + i] = (xs[base + i] * scale) * w[i];
            }
        }
    }

    /**
     * As ggml's rope (modes normal and NeoX): the angle of pair i is built up as {@code theta *= base^(-2/dims)}
     * in float32 from theta = position, divided by the pair's frequency factor, times the position scale
     * (ggml's freq_scale); cosine and sine are multiplied by the magnitude (ggml's attn_factor); values past
     * {@code dims} are left unchanged.
     */
    @Override
    public void rope(Activation x, int heads, int headDim, int[] positions, int tokens, RopeConfig rope) {
        float[] xs = array(x);
        int dims = rope.dims();
        if (dims > headDim) {
            throw new IllegalArgumentException("rope dims " + dims + " exceed the head size " + headDim);
        }
        checkLength("rope input", xs, (long) tokens * heads * headDim);
        float thetaScale = (float) StrictMath.pow(rope.freqBase(), -2.0f / dims);
        float[] factors = rope.freqFactors();
        CallScratch cs = callScratch.get();
        float[] cos = cs.cos(dims / 2);
        float[] sin = cs.sin;
        for (int t = 0; t < tokens; t++) {
            float theta = positions[t];
            for (int i = 0; i < dims / 2; i++) {
                float ff = factors != null ? factors[i] : 1.0f;
                float angle = rope.positionScale() * (theta / ff);
                cos[i] = (float) StrictMath.cos(angle) * rope.magnitude();
                sin[i] = (float) StrictMath.sin(angle) * rope.magnitude();
                theta *= thetaScale;
            }
            for (int h = 0; h < heads; h++) {
                int base = (t * heads + h) * headDim;
                for (int i = 0; i < dims / 2; i++) {
                    int a = rope.neox() ? base + i : base + 2 * i;
                    int b = rope.neox() ? base + i + dims / 2 : base + 2 * i + 1;
                    float x0 = xs[a];
                    float x1 = xs[b];
                    xs[a] = x0 * cos[i] - x1 * sin[i];
                    xs[b] = x0 * sin[i] + x1 * cos[i];
                }
            }
        }
    }

    /** See {@link AttentionTask}; (token, head) pairs are split over the pool. */
    @Override
    public void attention(Activation q, Activation keyCache, Activation valueCache, Activation out, int tokens,
            int startPos, AttentionConfig config) {
        CallScratch cs = callScratch.get();
        int[] first = cs.spans(tokens);
        AttentionSpans.overCache(tokens, startPos, config, first, cs.last);
        attend(q, keyCache, valueCache, out, tokens, startPos + tokens, first, cs.last, config);
    }

    @Override
    public void packedAttention(Activation q, Activation keys, Activation values, Activation out, int tokens,
            int[] sequenceStarts, AttentionConfig config) {
        CallScratch cs = callScratch.get();
        int[] first = cs.spans(tokens);
        int[] last = cs.last;
        AttentionSpans.packed(tokens, sequenceStarts, config, first, last);
        attend(q, keys, values, out, tokens, tokens, first, last, config);
    }

    /** Token t attends to the key rows first[t] .. last[t] of {@code keyRows}. */
    private void attend(Activation q, Activation keys, Activation values, Activation out, int tokens, int keyRows,
            int[] first, int[] last, AttentionConfig config) {
        float[] qs = array(q);
        float[] kc = array(keys);
        float[] vc = array(values);
        float[] o = array(out);
        int kvDim = config.kvDim();
        int queryDim = config.queryDim();
        checkLength("attention queries", qs, (long) tokens * queryDim);
        checkLength("attention output", o, (long) tokens * queryDim);
        checkLength("keys", kc, (long) keyRows * kvDim);
        checkLength("values", vc, (long) keyRows * kvDim);
        AttentionTask task = callScratch.get().attention;
        task.set(qs, kc, vc, o, first, last, config.heads(), config.kvHeads(), config.headDim(), kvDim, queryDim,
                config.scale(), config.softcap());
        try {
            pool.forRange(tokens * config.heads(), (long) keyRows * config.headDim() * 2, task);
        } finally {
            task.clear();
        }
    }

    /** {@code gate = gate / (1 + exp(-gate)) * up}, as ggml's swiglu. */
    @Override
    public void swiglu(Activation gate, Activation up, int n) {
        float[] g = array(gate);
        float[] u = array(up);
        checkLength("swiglu gate", g, n);
        checkLength("swiglu up", u, n);
        for (int i = 0; i < n; i++) {
            float x = g[i];
            g[i] = x / (1.0f + (float) StrictMath.exp(-x)) * u[i];
        }
    }

    /**
     * {@code gate = gelu(gate) * up}, as ggml's geglu: GELU through ggml's float16 table ({@link GeluTable}), the
     * product in float32.
     */
    @Override
    public void geglu(Activation gate, Activation up, int n) {
        float[] g = array(gate);
        float[] u = array(up);
        checkLength("geglu gate", g, n);
        checkLength("geglu up", u, n);
        for (int i = 0; i < n; i++) {
            g[i] = GeluTable.gelu(g[i]) * u[i];
        }
    }

    @Override
    public void gelu(Activation x, int n) {
        float[] a = array(x);
        checkLength("gelu target", a, n);
        for (int i = 0; i < n; i++) {
            a[i] = GeluTable.gelu(a[i]);
        }
    }

    @Override
    public void tanh(Activation x, int n) {
        float[] a = array(x);
        checkLength("tanh target", a, n);
        for (int i = 0; i < n; i++) {
            a[i] = (float) StrictMath.tanh(a[i]);
        }
    }

    /**
     * As ggml's norm then mul and add: the mean from a double sum rounded to float, the variance as the double sum
     * of the float deviations squared, {@code scale = 1/sqrtf(variance + eps)}, then {@code (d*scale)*w + b}.
     */
    @Override
    public void layerNorm(Activation x, Activation weight, Activation bias, Activation out, int dim, int tokens, float eps) {
        float[] xs = array(x);
        float[] w = array(weight);
        float[] b = array(bias);
        float[] o = array(out);
        checkLength("layerNorm input", xs, (long) dim * tokens);
        checkLength("layerNorm weight", w, dim);
        checkLength("layerNorm bias", b, dim);
        checkLength("layerNorm output", o, (long) dim * tokens);
        for (int t = 0; t < tokens; t++) {
            int base = t * dim;
            double sum = 0;
            for (int i = 0; i < dim; i++) {
                sum += xs[base + i];
            }
            float mean = (float) sum / dim;
            double squares = 0;
            for (int i = 0; i < dim; i++) {
                float d = xs[base + i] - mean;
                o[base + i] = d;
                squares += d * d;
            }
            float variance = (float) (squares / dim);
            float scale = 1.0f / (float) StrictMath.sqrt(variance + eps);
            for (int i = 0; i < dim; i++) {
                o[base + i] = (o[base + i] * scale) * w[i] + b[i];
            }
        }
    }

    @Override
    public void addBias(Activation x, Activation bias, int dim, int tokens) {
        float[] a = array(x);
        float[] b = array(bias);
        checkLength("bias target", a, (long) dim * tokens);
        checkLength("bias", b, dim);
        for (int t = 0; t < tokens; t++) {
            int base = t * dim;
            for (int i = 0; i < dim; i++) {
                a[base + i] += b[i];
            }
        }
    }

    @Override
    public void scale(Activation x, float factor, int n) {
        float[] a = array(x);
        checkLength("scale target", a, n);
        for (int i = 0; i < n; i++) {
            a[i] *= factor;
        }
    }

    /** As ggml: scale by {@code 1/cap}, tanh, scale by {@code cap}. */
    @Override
    public void softcap(Activation x, float cap, int n) {
        float[] a = array(x);
        checkLength("softcap target", a, n);
        float inv = 1.0f / cap;
        for (int i = 0; i < n; i++) {
            a[i] = cap * (float) StrictMath.tanh(a[i] * inv);
        }
    }

    @Override
    public void add(Activation x, Activation y, int n) {
        float[] a = array(x);
        float[] b = array(y);
        checkLength("add target", a, n);
        checkLength("add operand", b, n);
        for (int i = 0; i < n; i++) {
            a[i] += b[i];
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            pool.close();
        }
    }
}
