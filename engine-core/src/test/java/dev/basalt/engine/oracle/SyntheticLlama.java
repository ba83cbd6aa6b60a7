package dev.basalt.engine.oracle;

import dev.basalt.gguf.GgufArray;
import dev.basalt.gguf.GgufWriter;
import dev.basalt.gguf.MetadataValue;
import dev.basalt.gguf.TensorContent;
import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.codec.BlockCodec;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes random-weight llama models as GGUF files with Basalt's own {@link GgufWriter}, so that tests can run
 * llama.cpp (through {@link LlamaCppOracle}) and Basalt on shapes and weight formats no stored model has.
 *
 * <p>The file follows the layout of {@code testdata/models/synthetic-llama-*} (see its README): architecture
 * {@code llama}, no biases, SwiGLU, RMSNorm, normal RoPE; or, with {@link Spec#withArchitecture}, the same shape as
 * a qwen2 (Q/K/V biases) or phi3 (fused QKV and gate+up) model; 2-D weights in {@link Spec#weightType()}, quantized
 * with the reference codecs of the {@code tensor} module; norm weights F32. A 2-D tensor whose rows are not a
 * whole number of the weight type's blocks (an odd FFN size makes {@code ffn_down}'s rows odd) is stored in
 * {@link Spec#fallbackType()} instead, as llama.cpp's quantizer does. Weight scales follow the README's recipe;
 * the draws come from {@link SplittableRandom} seeded per tensor, so a spec always gives the same bytes, but not
 * numpy's numbers: these files are not the stored synthetic models.
 *
 * <p>The vocabulary is a minimal SentencePiece one ({@code tokenizer.ggml.model = llama}): {@code <unk>},
 * {@code <s>}, {@code </s>}, the 256 byte tokens {@code <0x00>..<0xFF>}, then filler pieces ({@code ▁},
 * {@code a}, {@code ▁a}, {@code b}, ...) with decreasing scores; BOS 1, EOS 2, UNK 0, BOS added.
 */
public final class SyntheticLlama {
    private SyntheticLlama() {
    }

    /** The architectures the writer knows: llama and those that differ from it in a few tensors and keys. */
    public static final List<String> FAMILIES = List.of("llama", "qwen2", "phi3");

    /** Tokens before the filler pieces: {@code <unk>}, {@code <s>}, {@code </s>} and 256 bytes. */
    public static final int FIXED_TOKENS = 3 + 256;

    /**
     * The shape and formats of a synthetic llama.
     *
     * @param dim embedding length
     * @param ffn feed-forward length (any size; rows that do not fit the weight type use the fallback type)
     * @param ropeDims {@code llama.rope.dimension_count}; llama.cpp requires the head size for this architecture
     * @param tied no {@code output.weight}: the output projection is {@code token_embd.weight}
     * @param weightType the format of the 2-D weights
     * @param fallbackType the format of 2-D weights whose rows are not whole blocks of {@code weightType}
     */
    public record Spec(int dim, int layers, int heads, int kvHeads, int ffn, int ropeDims, float ropeFreqBase,
            int vocabSize, boolean tied, GgmlType weightType, GgmlType fallbackType, int contextLength,
            float rmsEpsilon, long seed, String architecture) {

        public Spec {
            require(dim > 0 && layers > 0 && heads > 0 && kvHeads > 0 && ffn > 0, "sizes must be positive");
            require(dim % heads == 0, "dim " + dim + " is not a multiple of heads " + heads);
            require(heads % kvHeads == 0, "heads " + heads + " is not a multiple of kvHeads " + kvHeads);
            require(ropeDims > 0 && ropeDims % 2 == 0 && ropeDims <= dim / heads,
                    "ropeDims " + ropeDims + " must be even and at most the head size " + dim / heads);
            require(vocabSize > FIXED_TOKENS, "vocabSize must exceed the " + FIXED_TOKENS + " fixed tokens");
            require(weightType.codec().canQuantize(), "no reference quantizer for " + weightType);
            require(!fallbackType.isQuantized(), "fallbackType must be a plain float type, got " + fallbackType);
            require(FAMILIES.contains(architecture), "architecture must be one of " + FAMILIES + ", got " + architecture);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }

        /**
         * An untied F32 llama with RoPE over the whole head, base 10000, context 512, RMS epsilon 1e-5, seed 1,
         * F16 as the fallback type.
         */
        public static Spec llama(int dim, int layers, int heads, int kvHeads, int ffn, int vocabSize) {
            return new Spec(dim, layers, heads, kvHeads, ffn, dim / heads, 10000f, vocabSize, false, GgmlType.F32,
                    GgmlType.F16, 512, 1e-5f, 1, "llama");
        }

        public int headDim() {
            return dim / heads;
        }

        public int kvDim() {
            return kvHeads * headDim();
        }

        public Spec withWeightType(GgmlType t) {
            return new Spec(dim, layers, heads, kvHeads, ffn, ropeDims, ropeFreqBase, vocabSize, tied, t, fallbackType,
                    contextLength, rmsEpsilon, seed, architecture);
        }

        public Spec withTied(boolean t) {
            return new Spec(dim, layers, heads, kvHeads, ffn, ropeDims, ropeFreqBase, vocabSize, t, weightType,
                    fallbackType, contextLength, rmsEpsilon, seed, architecture);
        }

        public Spec withRope(int dims, float freqBase) {
            return new Spec(dim, layers, heads, kvHeads, ffn, dims, freqBase, vocabSize, tied, weightType, fallbackType,
                    contextLength, rmsEpsilon, seed, architecture);
        }

        /**
         * The same shape as another family (see {@link #FAMILIES}): its tensors and its RoPE pairing.
         */
        public Spec withArchitecture(String a) {
            return new Spec(dim, layers, heads, kvHeads, ffn, ropeDims, ropeFreqBase, vocabSize, tied, weightType,
                    fallbackType, contextLength, rmsEpsilon, seed, a);
        }

        public Spec withSeed(long s) {
            return new Spec(dim, layers, heads, kvHeads, ffn, ropeDims, ropeFreqBase, vocabSize, tied, weightType,
                    fallbackType, contextLength, rmsEpsilon, s, architecture);
        }

        /** The format a 2-D weight with rows of {@code rowLength} values is stored in. */
        public GgmlType typeForRows(long rowLength) {
            return rowLength % weightType.blockSize() == 0 ? weightType : fallbackType;
        }

        @Override
        public String toString() {
            return architecture + " dim " + dim + " x" + layers + " heads " + heads + "/" + kvHeads + " ffn " + ffn + " rope "
                    + ropeDims + "@" + ropeFreqBase + " vocab " + vocabSize + (tied ? " tied " : " ") + weightType
                    + " seed " + seed;
        }
    }

    /** One tensor to write: name, ggml shape (row length first), and how its values are drawn. */
    private record Weight(String name, long[] shape, boolean isNorm, double mean, double std) {
        long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** Writes the model described by {@code spec} to {@code out}. */
    public static void write(Spec spec, Path out) throws IOException {
        write(spec, out, false);
    }

    /**
     * Writes the same model with every 2-D weight stored as F32 after a round trip through its format's
     * reference codec (quantize, then dequantize): the values llama.cpp should see when it reads the quantized
     * file. Comparing llama.cpp on both files checks that llama.cpp decodes Basalt's quantized bytes as Basalt's
     * codecs do, up to llama.cpp's quantization of activations.
     */
    public static void writeDequantized(Spec spec, Path out) throws IOException {
        write(spec, out, true);
    }

    private static void write(Spec spec, Path out, boolean dequantized) throws IOException {
        GgufWriter w = new GgufWriter();
        metadata(spec, w);
        for (Weight t : weights(spec)) {
            GgmlType stored = t.isNorm ? GgmlType.F32 : spec.typeForRows(t.shape[0]);
            GgmlType written = dequantized ? GgmlType.F32 : stored;
            w.tensor(t.name, written, t.shape, content(spec, t, stored, written));
        }
        w.write(out);
    }

    private static void metadata(Spec spec, GgufWriter w) {
        String a = spec.architecture() + ".";
        w.put("general.architecture", MetadataValue.string(spec.architecture()));
        w.put("general.name", MetadataValue.string("basalt-synthetic-llama"));
        w.put(a + "context_length", MetadataValue.u32(spec.contextLength()));
        w.put(a + "embedding_length", MetadataValue.u32(spec.dim()));
        w.put(a + "block_count", MetadataValue.u32(spec.layers()));
        w.put(a + "feed_forward_length", MetadataValue.u32(spec.ffn()));
        w.put(a + "attention.head_count", MetadataValue.u32(spec.heads()));
        w.put(a + "attention.head_count_kv", MetadataValue.u32(spec.kvHeads()));
        w.put(a + "rope.dimension_count", MetadataValue.u32(spec.ropeDims()));
        w.put(a + "rope.freq_base", MetadataValue.f32(spec.ropeFreqBase()));
        w.put(a + "attention.layer_norm_rms_epsilon", MetadataValue.f32(spec.rmsEpsilon()));
        w.put(a + "vocab_size", MetadataValue.u32(spec.vocabSize()));
        if (spec.architecture().equals("phi3")) {
            // b4916 requires the key; a window of the whole context never binds (Basalt, like later llama.cpp,
            // ignores Phi-3's window; the archs references test that)
            w.put(a + "attention.sliding_window", MetadataValue.u32(spec.contextLength()));
        }

        int n = spec.vocabSize();
        String[] tokens = vocabulary(n);
        float[] scores = new float[n];
        int[] types = new int[n];
        types[0] = 2; // LLAMA_TOKEN_TYPE_UNKNOWN
        types[1] = 3; // CONTROL
        types[2] = 3;
        for (int i = 3; i < FIXED_TOKENS; i++) {
            types[i] = 6; // BYTE
        }
        for (int i = FIXED_TOKENS; i < n; i++) {
            types[i] = 1; // NORMAL
            scores[i] = -(i - FIXED_TOKENS); // earlier pieces are preferred, as in a trained vocabulary
        }
        w.put("tokenizer.ggml.model", MetadataValue.string("llama"));
        w.put("tokenizer.ggml.tokens", MetadataValue.array(GgufArray.ofStrings(tokens)));
        w.put("tokenizer.ggml.scores", MetadataValue.array(GgufArray.ofFloats(scores)));
        w.put("tokenizer.ggml.token_type", MetadataValue.array(GgufArray.ofInts(types)));
        w.put("tokenizer.ggml.bos_token_id", MetadataValue.u32(1));
        w.put("tokenizer.ggml.eos_token_id", MetadataValue.u32(2));
        w.put("tokenizer.ggml.unknown_token_id", MetadataValue.u32(0));
        w.put("tokenizer.ggml.add_bos_token", MetadataValue.bool(true));
        w.put("tokenizer.ggml.add_eos_token", MetadataValue.bool(false));
    }

    /** {@code <unk>, <s>, </s>, <0x00>..<0xFF>}, then {@code ▁, a, ▁a, b, ▁b, ..., zz, ▁zz, aaa, ...}. */
    static String[] vocabulary(int n) {
        Set<String> pieces = new LinkedHashSet<>(List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) {
            pieces.add(String.format("<0x%02X>", b));
        }
        pieces.add("\u2581");
        for (long i = 0; pieces.size() < n; i++) {
            StringBuilder s = new StringBuilder();
            for (long k = i; ; k = k / 26 - 1) {
                s.insert(0, (char) ('a' + k % 26));
                if (k < 26) {
                    break;
                }
            }
            pieces.add(s.toString());
            if (pieces.size() < n) {
                pieces.add("\u2581" + s);
            }
        }
        return pieces.toArray(String[]::new);
    }

    /** The tensors in the generator's order, with the README's weight scales. */
    private static List<Weight> weights(Spec s) {
        double e = s.dim();
        double embedStd = s.tied() ? 0.1 : 1.0;
        double outputNormScale = s.tied() ? 3.5 : 1.0;
        List<Weight> list = new ArrayList<>();
        list.add(new Weight("token_embd.weight", new long[] {s.dim(), s.vocabSize()}, false, 0, embedStd));
        String arch = s.architecture();
        for (int l = 0; l < s.layers(); l++) {
            String p = "blk." + l + ".";
            double qk = 1.3 / Math.sqrt(e);
            list.add(new Weight(p + "attn_norm.weight", new long[] {s.dim()}, true, 1, 0.1));
            if (arch.equals("phi3")) { // [Q | K | V] rows in one tensor
                list.add(new Weight(p + "attn_qkv.weight", new long[] {s.dim(), s.dim() + 2L * s.kvDim()}, false, 0, qk));
            } else {
                list.add(new Weight(p + "attn_q.weight", new long[] {s.dim(), s.dim()}, false, 0, qk));
                list.add(new Weight(p + "attn_k.weight", new long[] {s.dim(), s.kvDim()}, false, 0, qk));
                list.add(new Weight(p + "attn_v.weight", new long[] {s.dim(), s.kvDim()}, false, 0, 1 / Math.sqrt(e)));
            }
            if (arch.equals("qwen2")) {
                list.add(new Weight(p + "attn_q.bias", new long[] {s.dim()}, true, 0, 0.5));
                list.add(new Weight(p + "attn_k.bias", new long[] {s.kvDim()}, true, 0, 0.5));
                list.add(new Weight(p + "attn_v.bias", new long[] {s.kvDim()}, true, 0, 0.5));
            }
            list.add(new Weight(p + "attn_output.weight", new long[] {s.dim(), s.dim()}, false, 0, 1 / Math.sqrt(e)));
            list.add(new Weight(p + "ffn_norm.weight", new long[] {s.dim()}, true, 1, 0.1));
            if (arch.equals("phi3")) { // [gate | up] rows in ffn_up
                list.add(new Weight(p + "ffn_up.weight", new long[] {s.dim(), 2L * s.ffn()}, false, 0, 1 / Math.sqrt(e)));
            } else {
                list.add(new Weight(p + "ffn_gate.weight", new long[] {s.dim(), s.ffn()}, false, 0, 1 / Math.sqrt(e)));
                list.add(new Weight(p + "ffn_up.weight", new long[] {s.dim(), s.ffn()}, false, 0, 1 / Math.sqrt(e)));
            }
            list.add(new Weight(p + "ffn_down.weight", new long[] {s.ffn(), s.dim()}, false, 0, 1 / Math.sqrt(s.ffn())));
        }
        list.add(new Weight("output_norm.weight", new long[] {s.dim()}, true, outputNormScale, 0.1 * outputNormScale));
        if (!s.tied()) {
            list.add(new Weight("output.weight", new long[] {s.dim(), s.vocabSize()}, false, 0, 4 / Math.sqrt(e)));
        }
        return list;
    }

    private static TensorContent content(Spec spec, Weight t, GgmlType stored, GgmlType written) {
        return destination -> {
            float[] values = draw(spec, t);
            if (written != stored) {
                values = roundTrip(values, stored);
            }
            written.codec().quantize(values, 0, values.length, destination, 0);
        };
    }

    private static float[] draw(Spec spec, Weight t) {
        long n = t.elements();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor " + t.name + " is too large for a synthetic model");
        }
        SplittableRandom random = new SplittableRandom(spec.seed() * 0x9E3779B97F4A7C15L + t.name.hashCode());
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (t.mean + t.std * random.nextGaussian());
        }
        return v;
    }

    /** {@code values} quantized to {@code type} with its reference codec and decoded again. */
    static float[] roundTrip(float[] values, GgmlType type) {
        BlockCodec codec = type.codec();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocate(type.byteSize(values.length), ValueLayout.JAVA_LONG.byteAlignment());
            codec.quantize(values, 0, values.length, bytes, 0);
            float[] back = new float[values.length];
            codec.dequantize(bytes, 0, back, 0, values.length);
            return back;
        }
    }
}
