package dev.basalt.engine.hf;

import dev.basalt.engine.ModelFamily;
import dev.basalt.engine.UnsupportedModelException;
import dev.basalt.gguf.MetadataValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How each Hugging Face architecture ({@code config.json} {@code architectures[0]}) becomes a Basalt family, following
 * llama.cpp's {@code convert_hf_to_gguf.py}: which GGUF metadata its config fields give, and the two layout
 * transforms the converter applies to the weights.
 *
 * @param permuteQk llama only: HF stores each Q/K head as two halves rotated together (rotate_half, NeoX pairing);
 *     the converter reorders the rows to interleaved pairs, which GGUF llama's RoPE rotates
 * @param normPlusOne Gemma: HF's RMSNorm multiplies by {@code 1 + w}; the converter stores {@code w + 1}
 * @param postNormsAroundBlocks Gemma: {@code post_attention_layernorm} is the norm after attention (GGUF
 *     {@code post_attention_norm}), {@code pre_feedforward_layernorm} the FFN's input norm; elsewhere
 *     {@code post_attention_layernorm} is the FFN's input norm ({@code ffn_norm})
 */
public record HfArchitecture(List<String> hfNames, ModelFamily family, boolean permuteQk, boolean normPlusOne,
        boolean postNormsAroundBlocks) {

    public static final List<HfArchitecture> ALL = List.of(
            new HfArchitecture(List.of("LlamaForCausalLM", "MistralForCausalLM"), ModelFamily.LLAMA, true, false, false),
            new HfArchitecture(List.of("Qwen2ForCausalLM"), ModelFamily.QWEN2, false, false, false),
            new HfArchitecture(List.of("Qwen3ForCausalLM"), ModelFamily.QWEN3, false, false, false),
            new HfArchitecture(List.of("Phi3ForCausalLM"), ModelFamily.PHI3, false, false, false),
            new HfArchitecture(List.of("Gemma2ForCausalLM"), ModelFamily.GEMMA2, false, true, true),
            new HfArchitecture(List.of("Gemma3ForCausalLM"), ModelFamily.GEMMA3, false, true, true));

    /**
     * The architecture {@code config.json} names.
     *
     * @throws HfConfigException when {@code architectures} is missing
     * @throws UnsupportedModelException naming it and the supported ones when Basalt does not run it
     */
    static HfArchitecture of(HfConfig config) {
        if (!config.has("architectures") || !config.node("architectures").isArray()
                || config.node("architectures").isEmpty() || !config.node("architectures").get(0).isTextual()) {
            throw config.error("architectures", "missing (required: a list naming the model class, e.g. [\"LlamaForCausalLM\"])");
        }
        String name = config.node("architectures").get(0).asText();
        return ALL.stream().filter(a -> a.hfNames.contains(name)).findFirst().orElseThrow(() ->
                new UnsupportedModelException(config.file(), name, ALL.stream().flatMap(a -> a.hfNames.stream()).toList()));
    }

    /**
     * The GGUF metadata llama.cpp's converter writes for {@code config} (without the tokenizer's keys).
     *
     * @throws HfConfigException naming the field when a required one is missing or invalid
     */
    Map<String, MetadataValue> metadata(HfConfig c, String name) {
        ModelFamily f = family;
        Map<String, MetadataValue> md = new LinkedHashMap<>();
        md.put("general.architecture", MetadataValue.string(f.architecture()));
        md.put("general.type", MetadataValue.string("model"));
        md.put("general.name", MetadataValue.string(name));
        int width = c.positiveInt("hidden_size");
        int heads = c.positiveInt("num_attention_heads");
        md.put(f.key("block_count"), MetadataValue.u32(c.positiveInt("num_hidden_layers")));
        md.put(f.key("context_length"), MetadataValue.u32(c.positiveInt("max_position_embeddings")));
        md.put(f.key("embedding_length"), MetadataValue.u32(width));
        md.put(f.key("feed_forward_length"), MetadataValue.u32(c.positiveInt("intermediate_size")));
        md.put(f.key("attention.head_count"), MetadataValue.u32(heads));
        md.put(f.key("attention.head_count_kv"), MetadataValue.u32(c.positiveInt("num_key_value_heads", heads)));
        md.put(f.key("attention.layer_norm_rms_epsilon"), MetadataValue.f32((float) c.number("rms_norm_eps")));
        double defaultBase = f == ModelFamily.GEMMA3 ? 1_000_000.0 : 10_000.0;
        md.put(f.key("rope.freq_base"), MetadataValue.f32((float) c.number("rope_theta", defaultBase)));
        if (c.has("head_dim")) {
            md.put(f.key("attention.key_length"), MetadataValue.u32(c.positiveInt("head_dim")));
            md.put(f.key("attention.value_length"), MetadataValue.u32(c.positiveInt("head_dim")));
        } else if (f == ModelFamily.QWEN3 || f == ModelFamily.GEMMA2 || f == ModelFamily.GEMMA3) {
            throw c.error("head_dim", "missing (required for " + hfNames.get(0) + ")");
        }
        if (f == ModelFamily.LLAMA) {
            md.put(f.key("vocab_size"), MetadataValue.u32(c.positiveInt("vocab_size")));
            md.put(f.key("rope.dimension_count"), MetadataValue.u32(c.positiveInt("head_dim", width / heads)));
        }
        if (f == ModelFamily.PHI3) {
            double partial = c.number("partial_rotary_factor", 1.0);
            md.put(f.key("rope.dimension_count"), MetadataValue.u32((int) (partial * width) / heads));
            md.put(f.key("rope.scaling.original_context_length"), MetadataValue.u32(
                    c.positiveInt("original_max_position_embeddings", c.positiveInt("max_position_embeddings"))));
        }
        if (c.has("sliding_window") && (f == ModelFamily.PHI3 || f.slidingWindow() != null)) {
            md.put(f.key("attention.sliding_window"), MetadataValue.u32(c.positiveInt("sliding_window")));
        }
        if (f == ModelFamily.GEMMA2) {
            for (String cap : List.of("attn_logit_softcapping", "final_logit_softcapping")) {
                if (c.has(cap)) {
                    md.put(f.key(cap), MetadataValue.f32((float) c.number(cap)));
                }
            }
        }
        if (f == ModelFamily.GEMMA3 && c.has("rope_local_base_freq")) {
            md.put(f.key("rope.freq_base_swa"), MetadataValue.f32((float) c.number("rope_local_base_freq")));
        }
        md.putAll(RopeFactors.scalingMetadata(c, this));
        return md;
    }

    @Override
    public String toString() {
        return hfNames.get(0) + " -> " + family.architecture();
    }
}
