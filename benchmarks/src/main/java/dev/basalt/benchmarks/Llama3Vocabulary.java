package dev.basalt.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.gguf.GgufArray;
import dev.basalt.gguf.GgufWriter;
import dev.basalt.gguf.MetadataValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Llama 3's byte-level BPE vocabulary, read from a Hugging Face {@code tokenizer.json} (+
 * {@code tokenizer_config.json} for BOS and EOS) and written as the GGUF metadata llama.cpp's
 * {@code convert_hf_to_gguf.py} produces for it: {@code tokenizer.ggml.model = gpt2}, {@code pre = llama-bpe},
 * the tokens in id order, the merges, token types (added special tokens CONTROL, other added tokens
 * USER_DEFINED, the rest NORMAL), BOS added.
 */
public record Llama3Vocabulary(String[] tokens, int[] tokenTypes, String[] merges, int bosId, int eosId) {

    private static final int NORMAL = 1;
    private static final int CONTROL = 3;
    private static final int USER_DEFINED = 4;

    /**
     * Reads {@code tokenizer.json} and {@code tokenizer_config.json} from {@code folder}.
     *
     * @throws NoSuchFileException when {@code folder} has no {@code tokenizer.json}
     * @throws IOException when the files cannot be read or are not a BPE tokenizer with BOS and EOS tokens
     */
    public static Llama3Vocabulary read(Path folder) throws IOException {
        Path json = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(json)) {
            throw new NoSuchFileException(json.toString(), null, "a Llama 3 tokenizer.json is needed for the vocabulary");
        }
        ObjectMapper mapper = new ObjectMapper();
        JsonNode root = mapper.readTree(json.toFile());
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            throw new IOException(json + ": model.type is '" + model.path("type").asText() + "', expected BPE");
        }
        List<String> tokens = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        model.path("vocab").properties().forEach(e -> set(tokens, types, e.getValue().asInt(), e.getKey(), NORMAL));
        for (JsonNode added : root.path("added_tokens")) {
            set(tokens, types, added.path("id").asInt(), added.path("content").asText(),
                    added.path("special").asBoolean() ? CONTROL : USER_DEFINED);
        }
        for (int id = 0; id < tokens.size(); id++) {
            if (tokens.get(id) == null) { // a hole in the ids: convert_hf_to_gguf.py pads it the same way
                tokens.set(id, "[PAD" + id + "]");
                types.set(id, USER_DEFINED);
            }
        }
        List<String> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) {
            // Older files store "a b", newer ones ["a", "b"].
            merges.add(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText());
        }
        Path configFile = folder.resolve("tokenizer_config.json");
        JsonNode config = Files.isRegularFile(configFile) ? mapper.readTree(configFile.toFile()) : mapper.createObjectNode();
        int bos = idOf(tokens, config.path("bos_token"), "<|begin_of_text|>", json);
        int eos = idOf(tokens, config.path("eos_token"), "<|end_of_text|>", json);
        return new Llama3Vocabulary(tokens.toArray(String[]::new), types.stream().mapToInt(Integer::intValue).toArray(),
                merges.toArray(String[]::new), bos, eos);
    }

    private static void set(List<String> tokens, List<Integer> types, int id, String text, int type) {
        while (tokens.size() <= id) {
            tokens.add(null);
            types.add(NORMAL);
        }
        tokens.set(id, text);
        types.set(id, type);
    }

    /** The id of the token named in tokenizer_config.json (a string or {"content": ...}), or of the default text. */
    private static int idOf(List<String> tokens, JsonNode configured, String fallback, Path file) throws IOException {
        String text = configured.isTextual() ? configured.asText()
                : configured.path("content").isTextual() ? configured.path("content").asText() : fallback;
        int id = tokens.indexOf(text);
        if (id < 0) {
            throw new IOException(file + ": special token '" + text + "' is not in the vocabulary");
        }
        return id;
    }

    public int size() {
        return tokens.length;
    }

    /** Writes the {@code tokenizer.ggml.*} metadata. */
    public void writeTo(GgufWriter w) {
        w.put("tokenizer.ggml.model", MetadataValue.string("gpt2"));
        w.put("tokenizer.ggml.pre", MetadataValue.string("llama-bpe"));
        w.put("tokenizer.ggml.tokens", MetadataValue.array(GgufArray.ofStrings(tokens)));
        w.put("tokenizer.ggml.token_type", MetadataValue.array(GgufArray.ofInts(tokenTypes)));
        w.put("tokenizer.ggml.merges", MetadataValue.array(GgufArray.ofStrings(merges)));
        w.put("tokenizer.ggml.bos_token_id", MetadataValue.u32(bosId));
        w.put("tokenizer.ggml.eos_token_id", MetadataValue.u32(eosId));
        w.put("tokenizer.ggml.add_bos_token", MetadataValue.bool(true));
        w.put("tokenizer.ggml.add_eos_token", MetadataValue.bool(false));
    }

    @Override
    public String toString() {
        return "Llama 3 vocabulary (" + tokens.length + " tokens, " + merges.length + " merges)";
    }
}
