package dev.basalt.engine.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.gguf.GgufFile;
import dev.basalt.gguf.Metadata;
import dev.basalt.gguf.SafetensorsBuilder;
import dev.basalt.tensor.Tensor;
import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a Hugging Face model folder from a GGUF model of {@code ../shared/testdata/archs}, undoing what llama.cpp's
 * converter does, written here independently of the code under test (its own name table, its own un-permutation):
 * F32 tensors under HF names, llama's Q/K rows back in rotate-half order, Gemma's norms minus one, {@code config.json}
 * from the metadata, and for llama/qwen a {@code tokenizer.json} cut from the real Llama 3 / Qwen3 tokenizers the
 * way the archs README says their vocabularies were cut.
 */
public final class HfFolderFixture {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** GGUF per-layer name -> HF name (Gemma's post_attention_norm and ffn_norm are handled apart). */
    private static final Map<String, String> LAYER_NAMES = Map.ofEntries(
            Map.entry("attn_norm.weight", "input_layernorm.weight"),
            Map.entry("attn_q.weight", "self_attn.q_proj.weight"),
            Map.entry("attn_k.weight", "self_attn.k_proj.weight"),
            Map.entry("attn_v.weight", "self_attn.v_proj.weight"),
            Map.entry("attn_q.bias", "self_attn.q_proj.bias"),
            Map.entry("attn_k.bias", "self_attn.k_proj.bias"),
            Map.entry("attn_v.bias", "self_attn.v_proj.bias"),
            Map.entry("attn_qkv.weight", "self_attn.qkv_proj.weight"),
            Map.entry("attn_q_norm.weight", "self_attn.q_norm.weight"),
            Map.entry("attn_k_norm.weight", "self_attn.k_norm.weight"),
            Map.entry("attn_output.weight", "self_attn.o_proj.weight"),
            Map.entry("post_attention_norm.weight", "post_attention_layernorm.weight"),
            Map.entry("post_ffw_norm.weight", "post_feedforward_layernorm.weight"),
            Map.entry("ffn_gate.weight", "mlp.gate_proj.weight"),
            Map.entry("ffn_down.weight", "mlp.down_proj.weight"));

    private HfFolderFixture() {
    }

    /**
     * Writes the folder for {@code family}'s F32 model into {@code dir}.
     *
     * @param shards 1 for {@code model.safetensors}, more for shards with {@code model.safetensors.index.json}
     */
    public static Path write(String family, Path dir, int shards) throws IOException {
        Files.createDirectories(dir);
        Path gguf = TestData.path("archs", family + "-F32.gguf");
        try (GgufFile f = GgufFile.open(gguf)) {
            Metadata md = f.metadata();
            boolean gemma = family.startsWith("gemma");
            int heads = md.getInt(family + ".attention.head_count");
            int kvHeads = md.getInt(family + ".attention.head_count_kv");
            List<SafetensorsBuilder> files = new ArrayList<>();
            for (int i = 0; i < shards; i++) {
                files.add(new SafetensorsBuilder().metadata("format", "pt"));
            }
            ObjectNode weightMap = JSON.createObjectNode();
            int n = 0;
            for (Tensor t : f.tensors()) {
                String hf = hfName(t.name(), gemma, family.equals("phi3"));
                if (hf == null) {
                    continue;
                }
                float[] v = new float[(int) t.elementCount()];
                t.type().codec().dequantize(t.data(), 0, v, 0, v.length);
                if (family.equals("llama") && t.name().endsWith("attn_q.weight")) {
                    v = unpermute(v, heads, (int) t.dim(0));
                } else if (family.equals("llama") && t.name().endsWith("attn_k.weight")) {
                    v = unpermute(v, kvHeads, (int) t.dim(0));
                }
                if (gemma && t.name().endsWith("norm.weight")) {
                    for (int i = 0; i < v.length; i++) {
                        v[i] -= 1f;
                    }
                }
                long[] shape = t.rank() == 1 ? new long[] {t.dim(0)} : new long[] {t.dim(1), t.dim(0)};
                int shard = n++ % shards;
                files.get(shard).tensor(hf, "F32", shape, f32Bytes(v));
                weightMap.put(hf, shardName(shard, shards));
            }
            for (int i = 0; i < shards; i++) {
                files.get(i).padHeader().write(dir.resolve(shardName(i, shards)));
            }
            if (shards > 1) {
                ObjectNode index = JSON.createObjectNode();
                index.putObject("metadata").put("total_size", 0);
                index.set("weight_map", weightMap);
                JSON.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
            }
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config(family, f));
            if (family.equals("llama")) {
                writeTokenizer(dir, "llama3", 507, List.of("<|begin_of_text|>", "<|end_of_text|>",
                        "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"), md);
            } else if (family.startsWith("qwen")) {
                writeTokenizer(dir, "qwen3", 509, List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>"), md);
            }
        }
        return dir;
    }

    private static String shardName(int i, int shards) {
        return shards == 1 ? "model.safetensors" : String.format("model-%05d-of-%05d.safetensors", i + 1, shards);
    }

    private static String hfName(String gguf, boolean gemma, boolean phi3) {
        switch (gguf) {
            case "token_embd.weight":
                return "model.embed_tokens.weight";
            case "output_norm.weight":
                return "model.norm.weight";
            case "output.weight":
                return "lm_head.weight";
            case "rope_freqs.weight":
                return null; // the converter computes it from config.json's rope_scaling
            default:
                break;
        }
        int dot = gguf.indexOf('.', 4);
        String prefix = "model.layers." + gguf.substring(4, dot) + ".";
        String rest = gguf.substring(dot + 1);
        if (rest.equals("ffn_norm.weight")) {
            return prefix + (gemma ? "pre_feedforward_layernorm.weight" : "post_attention_layernorm.weight");
        }
        if (rest.equals("ffn_up.weight")) {
            return prefix + (phi3 ? "mlp.gate_up_proj.weight" : "mlp.up_proj.weight");
        }
        String hf = LAYER_NAMES.get(rest);
        if (hf == null) {
            throw new IllegalArgumentException("no HF name for " + gguf);
        }
        return prefix + hf;
    }

    /** GGUF's interleaved pairs back to HF's halves: HF row {@code s·d/2 + j} is GGUF row {@code 2j + s}. */
    static float[] unpermute(float[] v, int heads, int rowLength) {
        int rows = v.length / rowLength;
        int d = rows / heads;
        float[] out = new float[v.length];
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < d / 2; j++) {
                for (int s = 0; s < 2; s++) {
                    System.arraycopy(v, (h * d + 2 * j + s) * rowLength, out, (h * d + s * d / 2 + j) * rowLength, rowLength);
                }
            }
        }
        return out;
    }

    static byte[] f32Bytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    private static ObjectNode config(String family, GgufFile f) {
        Metadata md = f.metadata();
        String a = family + ".";
        ObjectNode c = JSON.createObjectNode();
        String arch = switch (family) {
            case "llama" -> "LlamaForCausalLM";
            case "qwen2" -> "Qwen2ForCausalLM";
            case "qwen3" -> "Qwen3ForCausalLM";
            case "phi3" -> "Phi3ForCausalLM";
            case "gemma2" -> "Gemma2ForCausalLM";
            case "gemma3" -> "Gemma3ForCausalLM";
            default -> throw new IllegalArgumentException(family);
        };
        c.putArray("architectures").add(arch);
        c.put("hidden_size", md.getInt(a + "embedding_length"));
        c.put("num_hidden_layers", md.getInt(a + "block_count"));
        c.put("num_attention_heads", md.getInt(a + "attention.head_count"));
        c.put("num_key_value_heads", md.getInt(a + "attention.head_count_kv"));
        c.put("intermediate_size", md.getInt(a + "feed_forward_length"));
        c.put("max_position_embeddings", md.getInt(a + "context_length"));
        c.put("rms_norm_eps", (double) md.getFloat(a + "attention.layer_norm_rms_epsilon"));
        c.put("rope_theta", (double) md.getFloat(a + "rope.freq_base", 10000f));
        c.put("vocab_size", md.getStringArray("tokenizer.ggml.tokens").length);
        c.put("tie_word_embeddings", !f.hasTensor("output.weight"));
        if (md.has(a + "attention.key_length")) {
            c.put("head_dim", md.getInt(a + "attention.key_length"));
        }
        c.put("bos_token_id", md.getInt("tokenizer.ggml.bos_token_id"));
        c.put("eos_token_id", md.getInt("tokenizer.ggml.eos_token_id"));
        switch (family) {
            case "llama" -> {
                // archs README: Llama 3.1 scaling with factor 8, low 1, high 4 and original context 64
                ObjectNode s = c.putObject("rope_scaling");
                s.put("rope_type", "llama3").put("factor", 8.0).put("low_freq_factor", 1.0).put("high_freq_factor", 4.0)
                        .put("original_max_position_embeddings", 64);
            }
            case "phi3" -> {
                c.put("partial_rotary_factor", (double) md.getInt(a + "rope.dimension_count")
                        * md.getInt(a + "attention.head_count") / md.getInt(a + "embedding_length"));
                c.put("original_max_position_embeddings", md.getInt(a + "rope.scaling.original_context_length"));
                c.put("sliding_window", md.getInt(a + "attention.sliding_window"));
            }
            case "gemma2" -> {
                c.put("attn_logit_softcapping", (double) md.getFloat(a + "attn_logit_softcapping"));
                c.put("final_logit_softcapping", (double) md.getFloat(a + "final_logit_softcapping"));
                c.put("sliding_window", md.getInt(a + "attention.sliding_window"));
            }
            case "gemma3" -> {
                c.put("sliding_window", md.getInt(a + "attention.sliding_window"));
                c.put("rope_local_base_freq", (double) md.getFloat(a + "rope.freq_base_swa"));
            }
            default -> {
            }
        }
        return c;
    }

    /**
     * {@code tokenizer.json}: the real one's first {@code kept} ids, then {@code specials} renumbered after them, and
     * the merges whose parts and result are all kept, in their order (the archs README's recipe); tokenizer_config.json
     * names the special tokens as the GGUF does.
     */
    private static void writeTokenizer(Path dir, String source, int kept, List<String> specials, Metadata md)
            throws IOException {
        Path real = TestData.path("tokenizers", source);
        ObjectNode tok = (ObjectNode) JSON.readTree(real.resolve("tokenizer.json").toFile());
        ObjectNode model = (ObjectNode) tok.get("model");
        ObjectNode vocab = JSON.createObjectNode();
        Set<String> keptTokens = new HashSet<>();
        Iterator<Map.Entry<String, JsonNode>> it = model.get("vocab").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().asInt() < kept) {
                vocab.put(e.getKey(), e.getValue().asInt());
                keptTokens.add(e.getKey());
            }
        }
        model.set("vocab", vocab);
        ArrayNode merges = JSON.createArrayNode();
        for (JsonNode m : model.get("merges")) {
            String left = m.isArray() ? m.get(0).asText() : m.asText().split(" ", 2)[0];
            String right = m.isArray() ? m.get(1).asText() : m.asText().split(" ", 2)[1];
            if (keptTokens.contains(left) && keptTokens.contains(right) && keptTokens.contains(left + right)) {
                merges.add(m);
            }
        }
        model.set("merges", merges);
        ArrayNode added = JSON.createArrayNode();
        for (JsonNode t : tok.get("added_tokens")) {
            int index = specials.indexOf(t.get("content").asText());
            if (index >= 0) {
                added.add(((ObjectNode) t.deepCopy()).put("id", kept + index));
            }
        }
        tok.set("added_tokens", added);
        if (tok.get("post_processor") != null && tok.get("post_processor").has("processors")) {
            tok.put("post_processor", (String) null); // its TemplateProcessing names the real ids
        }
        JSON.writeValue(dir.resolve("tokenizer.json").toFile(), tok);

        String[] tokens = md.getStringArray("tokenizer.ggml.tokens");
        ObjectNode cfg = JSON.createObjectNode();
        int bos = md.getInt("tokenizer.ggml.bos_token_id");
        cfg.put("bos_token", md.getBoolean("tokenizer.ggml.add_bos_token", true) ? tokens[bos] : null);
        cfg.put("eos_token", tokens[md.getInt("tokenizer.ggml.eos_token_id")]);
        if (md.has("tokenizer.ggml.padding_token_id")) {
            cfg.put("pad_token", tokens[md.getInt("tokenizer.ggml.padding_token_id")]);
        }
        if (md.has("tokenizer.ggml.add_bos_token")) {
            cfg.put("add_bos_token", md.getBoolean("tokenizer.ggml.add_bos_token"));
        }
        JsonNode realConfig = JSON.readTree(real.resolve("tokenizer_config.json").toFile());
        cfg.set("chat_template", realConfig.get("chat_template"));
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("tokenizer_config.json").toFile(), cfg);
    }
}
