package dev.basalt.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.basalt.gguf.GgufArray;
import dev.basalt.gguf.MetadataValue;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code tokenizer.ggml.*} metadata (and {@code tokenizer.chat_template}) that llama.cpp's
 * {@code convert_hf_to_gguf.py} writes for a Hugging Face byte-level BPE tokenizer (Llama 3, Qwen2/3, GPT-2 style):
 * {@code model = gpt2}, the pre-tokenizer named by its regexes, the tokens in id order padded to the model's
 * vocabulary size, token types, merges, special token ids and the add-BOS/EOS flags.
 *
 * <p>Token types as the converter assigns them: an added token is CONTROL when it is special or looks special
 * ({@code <|...|>}, {@code <pad>}, {@code <unused...>}), else USER_DEFINED; an id no entry names becomes
 * {@code [PAD<id>]}, USER_DEFINED; everything else is NORMAL. Special ids come from {@code tokenizer_config.json}'s
 * {@code bos_token}/{@code eos_token}/{@code unk_token}/{@code pad_token}, else from the model's
 * {@code config.json} ({@code bos_token_id}, ...), as gguf-py's {@code SpecialVocab} reads them.
 */
public final class GgufTokenizerMetadata {
    /** GGUF {@code tokenizer.ggml.token_type} values. */
    static final int NORMAL = 1;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;

    private GgufTokenizerMetadata() {
    }

    /**
     * Reads {@code tokenizerJson} (and {@code tokenizer_config.json} beside it).
     *
     * @param vocabSize the model's vocabulary size (its embedding rows); the token list is padded to it
     * @param configIds special ids the model's {@code config.json} names, by kind ({@code bos}, {@code eos},
     *     {@code unk}, {@code pad}): used where the tokenizer config names none
     * @throws TokenizerException naming the file when it is not a byte-level BPE tokenizer, its pre-tokenizer is
     *     not one llama.cpp knows, or it has more tokens than the model
     */
    public static Map<String, MetadataValue> fromHuggingFace(Path tokenizerJson, int vocabSize,
            Map<String, Integer> configIds) throws IOException {
        TokenizerJson file = TokenizerJson.read(tokenizerJson);
        TokenizerConfig config = TokenizerConfig.besides(tokenizerJson);
        if (!"BPE".equals(file.model.path("type").asText("BPE")) || file.model.path("byte_fallback").asBoolean(false)) {
            throw file.error("only byte-level BPE tokenizers (Llama 3, Qwen) can be written as GGUF tokenizer.ggml.* "
                    + "metadata; this one is model type " + file.model.path("type").asText("BPE")
                    + (file.model.path("byte_fallback").asBoolean(false) ? " with byte_fallback (SentencePiece-style)" : ""));
        }
        String pre = preTokenizerName(file);

        String[] tokens = new String[vocabSize];
        int[] types = new int[vocabSize];
        for (int i = 0; i < file.vocabIds.size(); i++) {
            set(file, tokens, types, file.vocabIds.get(i), file.vocabTokens.get(i), NORMAL);
        }
        JsonNode added = file.component("added_tokens");
        if (added != null) {
            for (JsonNode t : added) {
                String text = t.path("content").asText(null);
                if (text == null || !t.path("id").canConvertToInt()) {
                    throw file.error("added_tokens: entry without a valid id and content: " + t);
                }
                set(file, tokens, types, t.path("id").asInt(), text,
                        t.path("special").asBoolean(false) || looksSpecial(text) ? CONTROL : USER_DEFINED);
            }
        }
        for (int id = 0; id < vocabSize; id++) {
            if (tokens[id] == null) { // a hole in the ids: the converter pads it so
                tokens[id] = "[PAD" + id + "]";
                types[id] = USER_DEFINED;
            }
        }
        String[] merges = new String[file.mergeLeft.size()];
        for (int i = 0; i < merges.length; i++) {
            merges[i] = file.mergeLeft.get(i) + " " + file.mergeRight.get(i);
        }

        Map<String, MetadataValue> md = new LinkedHashMap<>();
        md.put("tokenizer.ggml.model", MetadataValue.string("gpt2"));
        md.put("tokenizer.ggml.pre", MetadataValue.string(pre));
        md.put("tokenizer.ggml.tokens", MetadataValue.array(GgufArray.ofStrings(tokens)));
        md.put("tokenizer.ggml.token_type", MetadataValue.array(GgufArray.ofInts(types)));
        md.put("tokenizer.ggml.merges", MetadataValue.array(GgufArray.ofStrings(merges)));
        Map<String, Integer> byText = new HashMap<>();
        for (int id = vocabSize - 1; id >= 0; id--) {
            byText.put(tokens[id], id); // the first id wins
        }
        special(md, "bos_token_id", config.bosToken(), configIds.get("bos"), byText, vocabSize);
        special(md, "eos_token_id", config.eosToken(), configIds.get("eos"), byText, vocabSize);
        special(md, "unknown_token_id", config.unkToken(), configIds.get("unk"), byText, vocabSize);
        special(md, "padding_token_id", config.padToken(), configIds.get("pad"), byText, vocabSize);
        Boolean addBos = config.addBos() != null ? config.addBos() : templateAddsFirst(file);
        if (addBos != null) {
            md.put("tokenizer.ggml.add_bos_token", MetadataValue.bool(addBos));
        }
        if (config.addEos() != null) {
            md.put("tokenizer.ggml.add_eos_token", MetadataValue.bool(config.addEos()));
        }
        md.putAll(config.chatTemplates().toGgufMetadata());
        return md;
    }

    private static void set(TokenizerJson file, String[] tokens, int[] types, int id, String text, int type) {
        if (id < 0 || id >= tokens.length) {
            throw file.error("token \"" + text + "\" has id " + id + ", outside the model's vocabulary of "
                    + tokens.length + " (config.json vocab_size)");
        }
        tokens[id] = text;
        types[id] = type;
    }

    /** gguf-py's {@code does_token_look_special}. */
    static boolean looksSpecial(String t) {
        return t.equals("<pad>") || t.equals("<mask>") || t.equals("<2mass>") || t.equals("[@BOS@]")
                || (t.startsWith("<|") && t.endsWith("|>")) || (t.startsWith("<\uFF5C") && t.endsWith("\uFF5C>"))
                || (t.startsWith("<unused") && t.endsWith(">"));
    }

    private static void special(Map<String, MetadataValue> md, String key, String text, Integer configId,
            Map<String, Integer> byText, int vocabSize) {
        Integer id = text != null ? byText.get(text) : null;
        if (id == null && configId != null && configId >= 0 && configId < vocabSize) {
            id = configId;
        }
        if (id != null) {
            md.put("tokenizer.ggml." + key, MetadataValue.u32(id));
        }
    }

    /** Whether a {@code TemplateProcessing} post-processor puts a special token before the text; null: it does not say. */
    private static Boolean templateAddsFirst(TokenizerJson file) {
        JsonNode post = file.component("post_processor");
        List<JsonNode> processors = new ArrayList<>();
        if (post != null && post.path("type").asText().equals("Sequence")) {
            post.path("processors").forEach(processors::add);
        } else if (post != null) {
            processors.add(post);
        }
        for (JsonNode p : processors) {
            if (p.path("type").asText().equals("TemplateProcessing") && p.path("single").size() > 0) {
                return p.path("single").get(0).has("SpecialToken");
            }
        }
        return null;
    }

    /** The llama.cpp pre-tokenizer whose regexes the file's pre-tokenizer applies. */
    private static String preTokenizerName(TokenizerJson file) {
        JsonNode pre = file.component("pre_tokenizer");
        List<JsonNode> steps = new ArrayList<>();
        if (pre != null && pre.path("type").asText().equals("Sequence")) {
            pre.path("pretokenizers").forEach(steps::add);
        } else if (pre != null) {
            steps.add(pre);
        }
        List<String> regexes = new ArrayList<>();
        boolean byteLevel = false;
        for (JsonNode s : steps) {
            switch (s.path("type").asText()) {
                case "Split" -> {
                    if (!s.path("pattern").path("Regex").isTextual()) {
                        throw file.error("pre_tokenizer Split without a Regex pattern cannot be named for GGUF: " + s);
                    }
                    regexes.add(s.path("pattern").path("Regex").asText());
                }
                case "ByteLevel" -> {
                    byteLevel = true;
                    if (s.path("use_regex").asBoolean(true)) {
                        return regexes.isEmpty() ? "gpt-2" : unknown(file, pre);
                    }
                }
                default -> throw file.unsupported("pre_tokenizer", s);
            }
        }
        if (!byteLevel) {
            throw file.error("pre_tokenizer has no ByteLevel step: not a byte-level BPE tokenizer");
        }
        Optional<String> name = BpePreTokenizers.forRegexes(regexes);
        return name.orElseGet(() -> unknown(file, pre));
    }

    private static String unknown(TokenizerJson file, JsonNode pre) {
        throw file.error("pre_tokenizer " + pre + " has the regexes of none of the pre-tokenizers llama.cpp's "
                + "converter names (llama-bpe, qwen2, gpt-2, ...)");
    }
}
