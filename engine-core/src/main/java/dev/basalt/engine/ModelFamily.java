package dev.basalt.engine;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What distinguishes one architecture family from the transformer block that {@link Transformer} writes once:
 * the GGUF architecture name (which also prefixes its metadata keys), the RoPE pairing, the {@link BlockTrait}s
 * where its block departs from Llama's, and how it lays out sliding-window layers. Everything numeric (sizes,
 * RoPE bases, window, soft-caps) comes from the file's metadata ({@link ModelConfig}).
 *
 * <p>Adding a family is adding one constant here (and its test data); see {@code docs/adding-a-family.md}.
 *
 * @param architecture {@code general.architecture}, e.g. {@code llama}
 * @param neoxRope whether RoPE rotates pairs (i, i + dims/2) as GPT-NeoX (true) or adjacent pairs (false)
 * @param traits the block's departures from the Llama block
 * @param slidingWindow how local and global layers alternate; null when the family runs every layer globally
 *     (even if the file names a window, as llama.cpp does for Phi-3 and Mistral)
 * @param wideQueryBlockCount the block count of the one variant (Gemma's 27B) that scales queries by
 *     1/sqrt(embedding_length / heads) instead of 1/sqrt(key_length); 0 for none
 */
public record ModelFamily(String architecture, boolean neoxRope, Set<BlockTrait> traits,
        SlidingWindowLayout slidingWindow, int wideQueryBlockCount) {

    public ModelFamily {
        traits = traits.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(traits));
        // the combinations the forward pass implements; others would silently compute something else
        if (traits.contains(BlockTrait.UNGATED_FFN) && !traits.contains(BlockTrait.GELU_FFN)) {
            throw new IllegalArgumentException(architecture + ": an ungated feed-forward is implemented with GELU only");
        }
        if (traits.contains(BlockTrait.LAYER_NORM) != traits.contains(BlockTrait.NORM_AFTER_RESIDUAL)) {
            throw new IllegalArgumentException(architecture + ": LayerNorm is implemented for post-norm blocks only, "
                    + "and post-norm blocks with LayerNorm only");
        }
    }

    /** Llama 1/2/3 (Llama 3.1's RoPE scaling is its {@code rope_freqs.weight}), Mistral and others published as llama. */
    public static final ModelFamily LLAMA = new ModelFamily("llama", false, Set.of(), null, 0);

    /** Qwen2/2.5 (and DeepSeek-R1-Distill-Qwen): biases on Q/K/V, NeoX RoPE. */
    public static final ModelFamily QWEN2 = new ModelFamily("qwen2", true, Set.of(BlockTrait.QKV_BIAS), null, 0);

    /** Qwen3: per-head Q/K RMSNorm, no biases, a head size of its own ({@code attention.key_length}). */
    public static final ModelFamily QWEN3 = new ModelFamily("qwen3", true, Set.of(BlockTrait.QK_NORM), null, 0);

    /**
     * Phi-3/3.5, Phi-4-mini: fused QKV and gate+up, partial NeoX RoPE, LongRoPE factors when the file has them. Its
     * {@code sliding_window} metadata is not applied: llama.cpp disables Phi-3's sliding window, and its outputs are
     * the reference.
     */
    public static final ModelFamily PHI3 = new ModelFamily("phi3", true,
            Set.of(BlockTrait.FUSED_QKV, BlockTrait.FUSED_GATE_UP), null, 0);

    /** Gemma 2: GeGLU, pre+post norms, √dim embedding scale, soft-capping, every other layer local (window 4096). */
    public static final ModelFamily GEMMA2 = new ModelFamily("gemma2", true,
            Set.of(BlockTrait.POST_NORMS, BlockTrait.SCALED_EMBEDDING, BlockTrait.GELU_FFN),
            new SlidingWindowLayout(2, 4096, true), 46);

    /** Gemma 3 (text): Gemma 2's block with Q/K norms, five local layers to one global, local RoPE base of its own. */
    public static final ModelFamily GEMMA3 = new ModelFamily("gemma3", true,
            Set.of(BlockTrait.POST_NORMS, BlockTrait.SCALED_EMBEDDING, BlockTrait.GELU_FFN, BlockTrait.QK_NORM),
            new SlidingWindowLayout(6, 0, false), 62);

    /**
     * BERT encoders (bge, MiniLM, e5 and BERT cross-encoder rerankers): post-norm blocks with LayerNorm, biases on
     * every projection, learned absolute positions and token types, an ungated GELU feed-forward; attention is
     * non-causal through its {@code attention.causal = false} metadata. Used for embeddings, never for generation.
     */
    public static final ModelFamily BERT = new ModelFamily("bert", false,
            Set.of(BlockTrait.QKV_BIAS, BlockTrait.DENSE_BIASES, BlockTrait.LAYER_NORM, BlockTrait.NORM_AFTER_RESIDUAL,
                    BlockTrait.ABSOLUTE_POSITIONS, BlockTrait.EMBEDDING_NORM, BlockTrait.UNGATED_FFN, BlockTrait.GELU_FFN),
            null, 0);

    private static final Map<String, ModelFamily> FAMILIES = Stream.of(LLAMA, QWEN2, QWEN3, PHI3, GEMMA2, GEMMA3, BERT)
            .collect(Collectors.toUnmodifiableMap(ModelFamily::architecture, Function.identity()));

    /** The architectures {@link #forArchitecture} knows, sorted. */
    public static List<String> supported() {
        return FAMILIES.keySet().stream().sorted().toList();
    }

    /** @throws UnsupportedModelException naming {@code architecture} and the supported ones */
    public static ModelFamily forArchitecture(String architecture, String source) {
        ModelFamily f = FAMILIES.get(architecture.toLowerCase(Locale.ROOT));
        if (f == null) {
            throw new UnsupportedModelException(source, architecture, supported());
        }
        return f;
    }

    public boolean has(BlockTrait trait) {
        return traits.contains(trait);
    }

    /** The tensors of each block, in GGUF's standard names ({@code blk.N.<name>}). */
    public enum LayerTensor {
        ATTN_NORM("attn_norm.weight"),
        ATTN_Q("attn_q.weight"),
        ATTN_K("attn_k.weight"),
        ATTN_V("attn_v.weight"),
        ATTN_QKV("attn_qkv.weight"),
        ATTN_Q_BIAS("attn_q.bias"),
        ATTN_K_BIAS("attn_k.bias"),
        ATTN_V_BIAS("attn_v.bias"),
        ATTN_Q_NORM("attn_q_norm.weight"),
        ATTN_K_NORM("attn_k_norm.weight"),
        ATTN_OUTPUT("attn_output.weight"),
        ATTN_OUTPUT_BIAS("attn_output.bias"),
        ATTN_POST_NORM("post_attention_norm.weight"),
        ATTN_OUTPUT_NORM("attn_output_norm.weight"),
        ATTN_OUTPUT_NORM_BIAS("attn_output_norm.bias"),
        FFN_NORM("ffn_norm.weight"),
        FFN_GATE("ffn_gate.weight"),
        FFN_UP("ffn_up.weight"),
        FFN_DOWN("ffn_down.weight"),
        FFN_UP_BIAS("ffn_up.bias"),
        FFN_DOWN_BIAS("ffn_down.bias"),
        FFN_POST_NORM("post_ffw_norm.weight"),
        LAYER_OUTPUT_NORM("layer_output_norm.weight"),
        LAYER_OUTPUT_NORM_BIAS("layer_output_norm.bias");

        private final String ggufName;

        LayerTensor(String ggufName) {
            this.ggufName = ggufName;
        }

        public String ggufName() {
            return ggufName;
        }
    }

    /** The tensors every block of this family must have. */
    public List<LayerTensor> layerTensors() {
        List<LayerTensor> t = new ArrayList<>();
        boolean preNorm = !has(BlockTrait.NORM_AFTER_RESIDUAL);
        if (preNorm) {
            t.add(LayerTensor.ATTN_NORM);
        }
        if (has(BlockTrait.FUSED_QKV)) {
            t.add(LayerTensor.ATTN_QKV);
        } else {
            t.addAll(List.of(LayerTensor.ATTN_Q, LayerTensor.ATTN_K, LayerTensor.ATTN_V));
        }
        if (has(BlockTrait.QKV_BIAS)) {
            t.addAll(List.of(LayerTensor.ATTN_Q_BIAS, LayerTensor.ATTN_K_BIAS, LayerTensor.ATTN_V_BIAS));
        }
        if (has(BlockTrait.QK_NORM)) {
            t.addAll(List.of(LayerTensor.ATTN_Q_NORM, LayerTensor.ATTN_K_NORM));
        }
        t.add(LayerTensor.ATTN_OUTPUT);
        if (has(BlockTrait.DENSE_BIASES)) {
            t.add(LayerTensor.ATTN_OUTPUT_BIAS);
        }
        if (has(BlockTrait.POST_NORMS)) {
            t.add(LayerTensor.ATTN_POST_NORM);
        }
        if (preNorm) {
            t.add(LayerTensor.FFN_NORM);
        } else {
            t.addAll(List.of(LayerTensor.ATTN_OUTPUT_NORM, LayerTensor.ATTN_OUTPUT_NORM_BIAS));
        }
        if (!has(BlockTrait.FUSED_GATE_UP) && !has(BlockTrait.UNGATED_FFN)) {
            t.add(LayerTensor.FFN_GATE);
        }
        t.addAll(List.of(LayerTensor.FFN_UP, LayerTensor.FFN_DOWN));
        if (has(BlockTrait.DENSE_BIASES)) {
            t.addAll(List.of(LayerTensor.FFN_UP_BIAS, LayerTensor.FFN_DOWN_BIAS));
        }
        if (has(BlockTrait.POST_NORMS)) {
            t.add(LayerTensor.FFN_POST_NORM);
        }
        if (!preNorm) {
            t.addAll(List.of(LayerTensor.LAYER_OUTPUT_NORM, LayerTensor.LAYER_OUTPUT_NORM_BIAS));
        }
        return t;
    }

    public String tokenEmbedding() {
        return "token_embd.weight";
    }

    /** The final norm of pre-norm families; post-norm ones ({@link BlockTrait#NORM_AFTER_RESIDUAL}) have none. */
    public String outputNorm() {
        return "output_norm.weight";
    }

    /** Learned absolute position embeddings ({@link BlockTrait#ABSOLUTE_POSITIONS}), one row per position. */
    public String positionEmbedding() {
        return "position_embd.weight";
    }

    /** Token-type (segment) embeddings, optional; row 0 ("sentence A") is added to every token, as llama.cpp does. */
    public String tokenTypes() {
        return "token_types.weight";
    }

    /** The embedding LayerNorm's weight ({@link BlockTrait#EMBEDDING_NORM}); its bias is {@code token_embd_norm.bias}. */
    public String embeddingNorm() {
        return "token_embd_norm.weight";
    }

    /** The classification head's dense layer (a reranker's pooler, before tanh), optional; bias {@code cls.bias}. */
    public String classifier() {
        return "cls.weight";
    }

    /** The classification head's output layer (one row per label), optional; bias {@code cls.output.bias}. */
    public String classifierOutput() {
        return "cls.output.weight";
    }

    /** The bias beside a {@code .weight} tensor. */
    public static String biasOf(String weightName) {
        return weightName.replaceFirst("\\.weight$", ".bias");
    }

    /** The output projection; when a file lacks it the token embedding is used (tied embeddings). */
    public String output() {
        return "output.weight";
    }

    /** Llama 3's per-pair RoPE frequency divisors, optional. */
    public String ropeFrequencies() {
        return "rope_freqs.weight";
    }

    /** LongRoPE's divisors for contexts beyond {@code rope.scaling.original_context_length} (Phi-3 128k), optional. */
    public String ropeFactorsLong() {
        return "rope_factors_long.weight";
    }

    /** LongRoPE's divisors for contexts within the original length, optional (present with the long ones). */
    public String ropeFactorsShort() {
        return "rope_factors_short.weight";
    }

    public String layerTensor(int layer, LayerTensor t) {
        return "blk." + layer + "." + t.ggufName();
    }

    /** The metadata key {@code <architecture>.<suffix>}. */
    public String key(String suffix) {
        return architecture + "." + suffix;
    }
}
