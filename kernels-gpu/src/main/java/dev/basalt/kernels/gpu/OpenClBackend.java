package dev.basalt.kernels.gpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

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
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The OpenCL backend: weights are uploaded once ({@link WeightUpload}), activations and the KV cache live in
 * device memory, and every operation is a kernel enqueued on one in-order queue, so nothing comes back to the
 * host until {@link #read} (the logits). Kernels are OpenCL C 1.2 and need no extension (see common.cl).
 *
 * <p>Numerics: matrix products multiply the float32 activations by the weights as stored (F16 and block scales
 * converted in the kernel), summing in float32; the CPU backend instead first rounds the activations to its
 * {@code vec_dot_type} (Q8_0, Q8_K, F16) as llama.cpp's CPU code does, so the two agree within that rounding.
 * Norms, RoPE, attention and the gated activations follow the CPU backend's operation order in float32.
 *
 * <p>Thread-safety: operations may be called from several threads; they are serialized (one queue, and kernel
 * arguments are state of shared kernel objects).
 */
public final class OpenClBackend implements Backend {
    private static final System.Logger LOG = System.getLogger(OpenClBackend.class.getName());

    private final OpenClContext context;
    private final long[] reductionGroup;
    private final Set<GgmlType> reportedConversions = EnumSet.noneOf(GgmlType.class);
    /** Small per-call inputs (token ids, positions, RoPE factors), re-uploaded only when their content changes. */
    private final HostInput ids = new HostInput();
    private final HostInput positions = new HostInput();
    private final HostInput ropeFactors = new HostInput();
    private final HostInput spanFirst = new HostInput();
    private final HostInput spanLast = new HostInput();
    /** Host scratch for the per-token key spans of an attention call. */
    private int[] firstRows = new int[0];
    private int[] lastRows = new int[0];
    /** Attention's score rows, grown to the largest call so far. */
    private DeviceBuffer scores;

    /** A backend on {@code device} (see {@link OpenClDevice#all()}): creates its context and builds the kernels. */
    public OpenClBackend(OpenClDevice device) {
        this.context = new OpenClContext(device);
        this.reductionGroup = new long[] {context.workGroupSize()};
    }

    @Override
    public String name() {
        return "opencl";
    }

    public OpenClDevice device() {
        return context.device();
    }

    /** Device buffers held now (weights, activations, scratch); for leak checks. */
    public synchronized int liveBuffers() {
        return context.liveBuffers();
    }

    /** OpenCL contexts of this process not yet closed; for leak checks. */
    public static int openContexts() {
        return OpenClContext.OPEN.get();
    }

    private static DeviceBuffer buffer(Activation a) {
        if (a instanceof OpenClActivation c) {
            return c.buffer;
        }
        throw new IllegalArgumentException("not an OpenCL activation: " + a);
    }

    private static OpenClWeightMatrix matrix(WeightMatrix w) {
        if (w instanceof OpenClWeightMatrix m) {
            return m;
        }
        throw new IllegalArgumentException("not an OpenCL weight matrix: " + w);
    }

    private static void checkLength(String what, Activation a, long needed) {
        if (a.length() < needed) {
            throw new IllegalArgumentException(what + " holds " + a.length() + " floats, needs " + needed);
        }
    }

    private static void checkRange(String what, Activation a, int offset, int n) {
        if (offset < 0 || n < 0 || (long) offset + n > a.length()) {
            throw new IllegalArgumentException(what + ": [" + offset + ", " + ((long) offset + n) + ") outside "
                    + a.length() + " floats");
        }
    }

    @Override
    public synchronized Activation allocate(int floats) {
        if (floats < 0) {
            throw new IllegalArgumentException("negative activation size " + floats);
        }
        return new OpenClActivation(context.buffer((long) floats * Float.BYTES, true), floats);
    }

    @Override
    public synchronized void write(float[] src, int srcOffset, Activation dst, int dstOffset, int n) {
        checkRange("write target", dst, dstOffset, n);
        if (n == 0) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment staging = a.allocate(JAVA_FLOAT, n);
            MemorySegment.copy(src, srcOffset, staging, JAVA_FLOAT, 0, n);
            context.write(staging, buffer(dst), (long) dstOffset * Float.BYTES);
        }
    }

    @Override
    public synchronized void read(Activation src, int srcOffset, float[] dst, int dstOffset, int n) {
        checkRange("read source", src, srcOffset, n);
        if (n == 0) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment staging = a.allocate(JAVA_FLOAT, n);
            context.read(buffer(src), (long) srcOffset * Float.BYTES, staging);
            MemorySegment.copy(staging, JAVA_FLOAT, 0, dst, dstOffset, n);
        }
    }

    @Override
    public synchronized void copy(Activation src, int srcOffset, Activation dst, int dstOffset, int n) {
        checkRange("copy source", src, srcOffset, n);
        checkRange("copy target", dst, dstOffset, n);
        if (n > 0) {
            context.copy(buffer(src), (long) srcOffset * Float.BYTES, buffer(dst), (long) dstOffset * Float.BYTES,
                    (long) n * Float.BYTES);
        }
    }

    @Override
    public synchronized WeightMatrix matrix(Tensor weight) {
        OpenClWeightMatrix m = WeightUpload.upload(context, weight);
        if (m.deviceType != m.type() && reportedConversions.add(m.type())) {
            LOG.log(System.Logger.Level.INFO, "opencl: {0} weights have no OpenCL kernel; converted to {1} at upload"
                    + " (first: {2})", m.type(), m.deviceType, m.name());
        }
        return m;
    }

    @Override
    public synchronized Activation vector(Tensor weight) {
        long n = weight.elementCount();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("vector '" + weight.name() + "' too large: " + weight);
        }
        float[] values = new float[(int) n];
        weight.type().codec().dequantize(weight.data(), 0, values, 0, (int) n);
        Activation a = allocate((int) n);
        write(values, 0, a, 0, (int) n);
        return a;
    }

    @Override
    public synchronized void rows(WeightMatrix table, int[] tokenIds, Activation out) {
        OpenClWeightMatrix m = matrix(table);
        checkLength("embedding output", out, (long) tokenIds.length * m.cols());
        for (int id : tokenIds) {
            if (id < 0 || id >= m.rows()) {
                throw new IllegalArgumentException("token id " + id + " out of range [0, " + m.rows() + ") of " + m.name());
            }
        }
        if (tokenIds.length == 0) {
            return;
        }
        int units = m.cols() / m.deviceType.blockSize() * unitsPerBlock(m.deviceType);
        context.launch("get_rows_" + kernelSuffix(m.deviceType), new long[] {units, tokenIds.length}, null,
                m.buffer, ids.upload(MemorySegment.ofArray(tokenIds)), buffer(out), m.cols());
    }

    @Override
    public synchronized void matmul(WeightMatrix w, Activation x, Activation y, int tokens) {
        OpenClWeightMatrix m = matrix(w);
        checkLength("matmul input", x, (long) tokens * m.cols());
        checkLength("matmul output", y, (long) tokens * m.rows());
        if (tokens == 0) {
            return;
        }
        context.launch("matmul_" + kernelSuffix(m.deviceType),
                new long[] {(long) m.rows() * context.workGroupSize(), tokens}, new long[] {context.workGroupSize(), 1},
                m.buffer, buffer(x), buffer(y), m.cols(), m.rows());
    }

    private static String kernelSuffix(GgmlType deviceType) {
        return deviceType.name().toLowerCase(Locale.ROOT);
    }

    /** Work items per block in the weight kernels: K-quant super-blocks are split into their 8 sub-blocks. */
    private static int unitsPerBlock(GgmlType deviceType) {
        return deviceType == GgmlType.Q4_K ? 8 : 1;
    }

    @Override
    public synchronized void rmsNorm(Activation x, Activation weight, Activation out, int dim, int tokens, float eps) {
        checkLength("rmsNorm input", x, (long) dim * tokens);
        checkLength("rmsNorm weight", weight, dim);
        checkLength("rmsNorm output", out, (long) dim * tokens);
        if (tokens > 0) {
            context.launch("rms_norm", new long[] {(long) tokens * context.workGroupSize()}, reductionGroup,
                    buffer(x), buffer(weight), buffer(out), dim, eps);
        }
    }

    @Override
    public synchronized void rope(Activation x, int heads, int headDim, int[] tokenPositions, int tokens, RopeConfig rope) {
        int dims = rope.dims();
        if (dims > headDim) {
            throw new IllegalArgumentException("rope dims " + dims + " exceed the head size " + headDim);
        }
        checkLength("rope input", x, (long) tokens * heads * headDim);
        if (tokenPositions.length < tokens) {
            throw new IllegalArgumentException(tokens + " tokens but " + tokenPositions.length + " positions");
        }
        if (tokens == 0) {
            return;
        }
        float thetaScale = (float) StrictMath.pow(rope.freqBase(), -2.0f / dims);
        DeviceBuffer pos = positions.upload(MemorySegment.ofArray(tokenPositions).asSlice(0, (long) tokens * Integer.BYTES));
        DeviceBuffer factors = rope.freqFactors() != null ? ropeFactors.upload(MemorySegment.ofArray(rope.freqFactors())) : pos;
        context.launch("rope", new long[] {(long) tokens * heads, dims / 2}, null, buffer(x), pos, factors,
                rope.freqFactors() != null ? 1 : 0, heads, headDim, dims, thetaScale, rope.positionScale(),
                rope.magnitude(), rope.neox() ? 1 : 0);
    }

    @Override
    public synchronized void attention(Activation q, Activation keyCache, Activation valueCache, Activation out,
            int tokens, int startPos, AttentionConfig config) {
        ensureSpans(tokens);
        AttentionSpans.overCache(tokens, startPos, config, firstRows, lastRows);
        attend(q, keyCache, valueCache, out, tokens, startPos + tokens, config);
    }

    @Override
    public synchronized void packedAttention(Activation q, Activation keys, Activation values, Activation out,
            int tokens, int[] sequenceStarts, AttentionConfig config) {
        ensureSpans(tokens);
        AttentionSpans.packed(tokens, sequenceStarts, config, firstRows, lastRows);
        attend(q, keys, values, out, tokens, tokens, config);
    }

    private void ensureSpans(int tokens) {
        if (firstRows.length < tokens) {
            firstRows = new int[Math.max(tokens, 2 * firstRows.length)];
            lastRows = new int[firstRows.length];
        }
    }

    /** Token t attends to the key rows firstRows[t] .. lastRows[t] of {@code keyRows}. */
    private void attend(Activation q, Activation keys, Activation values, Activation out, int tokens, int keyRows,
            AttentionConfig config) {
        int kvDim = config.kvDim();
        int queryDim = config.queryDim();
        checkLength("attention queries", q, (long) tokens * queryDim);
        checkLength("attention output", out, (long) tokens * queryDim);
        checkLength("keys", keys, (long) keyRows * kvDim);
        checkLength("values", values, (long) keyRows * kvDim);
        if (tokens == 0) {
            return;
        }
        long scoreBytes = (long) tokens * config.heads() * keyRows * Float.BYTES;
        if (scores == null || scores.bytes() < scoreBytes) {
            if (scores != null) {
                scores.release();
            }
            scores = context.buffer(scoreBytes, false);
        }
        long spanBytes = (long) tokens * Integer.BYTES;
        DeviceBuffer first = spanFirst.upload(MemorySegment.ofArray(firstRows).asSlice(0, spanBytes));
        DeviceBuffer last = spanLast.upload(MemorySegment.ofArray(lastRows).asSlice(0, spanBytes));
        float softcap = config.softcap();
        context.launch("attention", new long[] {(long) tokens * config.heads() * context.workGroupSize()},
                reductionGroup, buffer(q), buffer(keys), buffer(values), buffer(out), scores, first, last,
                config.heads(), config.heads() / config.kvHeads(), config.headDim(), kvDim, keyRows,
                config.scale(), softcap, softcap > 0 ? 1.0f / softcap : 0.0f);
    }

    @Override
    public synchronized void swiglu(Activation gate, Activation up, int n) {
        elementwise("swiglu", n, gate, operand("swiglu up", up, n));
    }

    /** Computes GELU's tanh formula in float32; the CPU backend looks it up in ggml's F16-indexed table. */
    @Override
    public synchronized void geglu(Activation gate, Activation up, int n) {
        elementwise("geglu", n, gate, operand("geglu up", up, n));
    }

    @Override
    public synchronized void gelu(Activation x, int n) {
        elementwise("gelu", n, x);
    }

    @Override
    public synchronized void tanh(Activation x, int n) {
        elementwise("tanh_in_place", n, x);
    }

    @Override
    public synchronized void layerNorm(Activation x, Activation weight, Activation bias, Activation out, int dim,
            int tokens, float eps) {
        checkLength("layerNorm input", x, (long) dim * tokens);
        checkLength("layerNorm weight", weight, dim);
        checkLength("layerNorm bias", bias, dim);
        checkLength("layerNorm output", out, (long) dim * tokens);
        if (tokens > 0) {
            context.launch("layer_norm", new long[] {(long) tokens * context.workGroupSize()}, reductionGroup,
                    buffer(x), buffer(weight), buffer(bias), buffer(out), dim, eps);
        }
    }

    @Override
    public synchronized void add(Activation x, Activation y, int n) {
        elementwise("add", n, x, operand("add operand", y, n));
    }

    @Override
    public synchronized void addBias(Activation x, Activation bias, int dim, int tokens) {
        elementwise("add_bias", dim * tokens, x, operand("bias", bias, dim), dim);
    }

    @Override
    public synchronized void scale(Activation x, float factor, int n) {
        elementwise("scale", n, x, factor);
    }

    @Override
    public synchronized void softcap(Activation x, float cap, int n) {
        elementwise("softcap", n, x, cap, 1.0f / cap);
    }

    private static DeviceBuffer operand(String what, Activation a, long needed) {
        checkLength(what, a, needed);
        return buffer(a);
    }

    /** A kernel of one item per value of {@code target} (at least {@code n} floats), then {@code rest}. */
    private void elementwise(String kernel, int n, Activation target, Object... rest) {
        checkLength(kernel + " target", target, n);
        if (n > 0) {
            Object[] args = new Object[rest.length + 1];
            args[0] = buffer(target);
            System.arraycopy(rest, 0, args, 1, rest.length);
            context.launch(kernel, new long[] {n}, null, args);
        }
    }

    /** Waits until every enqueued operation has run (reads wait anyway; benchmarks and tests use this). */
    public synchronized void finish() {
        context.finish();
    }

    @Override
    public synchronized void close() {
        context.close();
    }

    /**
     * A device copy of a small host array that kernels read (ids, positions, factors). The forward pass passes the
     * same positions and factors to every layer, so the upload (which waits for the queue) happens once per step.
     */
    private final class HostInput {
        private MemorySegment last = MemorySegment.NULL;
        private DeviceBuffer buffer;

        /** {@code values}: a heap segment over the caller's array ({@link MemorySegment#ofArray}). */
        DeviceBuffer upload(MemorySegment values) {
            if (last.byteSize() == values.byteSize() && last.mismatch(values) == -1) {
                return buffer;
            }
            if (buffer == null || buffer.bytes() < values.byteSize()) {
                if (buffer != null) {
                    buffer.release();
                }
                buffer = context.buffer(Math.max(values.byteSize(), 256), false);
            }
            try (Arena a = Arena.ofConfined()) {
                context.write(a.allocate(values.byteSize()).copyFrom(values), buffer, 0);
            }
            last = MemorySegment.ofArray(values.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            return buffer;
        }
    }
}
