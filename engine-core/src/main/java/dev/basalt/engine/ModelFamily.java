package dev.basalt.engine;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What distinguishes one architecture family from the transformer block that {@link Transformer} writes once:
 * the GGUF architecture name (which also prefixes its metadata keys), the tensor names, and the RoPE pairing.
 *
 * <p>Adding a family is adding a description here, not a forward pass. For example qwen2 is llama with NeoX RoPE
 * pairs and biases on the Q/K/V projections: a constant {@code QWEN2 = new ModelFamily("qwen2", true, ...)} with a
 * new {@code attentionBias} component, the bias tensors added to {@link #layerTensors()}, and one optional
 * {@code add} after the projections in {@link Transformer} guarded by that flag; then a reference test from
 * {@code ../shared/testdata/archs}. Families whose differences the block does not express yet (QK-norm, post-norms,
 * logit soft-capping, sliding windows per layer, GELU) get such a flag with their first model.
 *
 * @param architecture {@code general.architecture}, e.g. {@code llama}
 * @param neoxRope whether RoPE rotates pairs (i, i + dims/2) as GPT-NeoX (true) or adjacent pairs (false)
 */
public record ModelFamily(String architecture, boolean neoxRope) {

    /** Llama 1/2/3, Mistral (without sliding window) and the many models that share their GGUF layout. */
    public static final ModelFamily LLAMA = new ModelFamily("llama", false);

    private static final Map<String, ModelFamily> FAMILIES = Map.of(LLAMA.architecture(), LLAMA);

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

    /** The tensors of each block, in GGUF's standard names ({@code blk.N.<name>.weight}). */
    public enum LayerTensor {
        ATTN_NORM("attn_norm"),
        ATTN_Q("attn_q"),
        ATTN_K("attn_k"),
        ATTN_V("attn_v"),
        ATTN_OUTPUT("attn_output"),
        FFN_NORM("ffn_norm"),
        FFN_GATE("ffn_gate"),
        FFN_UP("ffn_up"),
        FFN_DOWN("ffn_down");

        private final String ggufName;

        LayerTensor(String ggufName) {
            this.ggufName = ggufName;
        }

        public String ggufName() {
            return ggufName;
        }
    }

    public List<LayerTensor> layerTensors() {
        return List.of(LayerTensor.values());
    }

    public String tokenEmbedding() {
        return "token_embd.weight";
    }

    public String outputNorm() {
        return "output_norm.weight";
    }

    /** The output projection; when a file lacks it the token embedding is used (tied embeddings). */
    public String output() {
        return "output.weight";
    }

    /** Llama 3's per-pair RoPE frequency divisors, optional. */
    public String ropeFrequencies() {
        return "rope_freqs.weight";
    }

    public String layerTensor(int layer, LayerTensor t) {
        return "blk." + layer + "." + t.ggufName() + ".weight";
    }

    /** The metadata key {@code <architecture>.<suffix>}. */
    public String key(String suffix) {
        return architecture + "." + suffix;
    }
}
