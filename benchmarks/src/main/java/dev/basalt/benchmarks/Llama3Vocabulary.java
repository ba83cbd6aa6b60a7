package dev.basalt.benchmarks;

import dev.basalt.gguf.GgufWriter;
import dev.basalt.gguf.MetadataValue;
import dev.basalt.tokenizer.GgufTokenizerMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Llama 3's byte-level BPE vocabulary, read from a Hugging Face {@code tokenizer.json} (+
 * {@code tokenizer_config.json}) and written as the GGUF metadata llama.cpp's {@code convert_hf_to_gguf.py} produces
 * for it ({@link GgufTokenizerMetadata}: {@code gpt2}, pre {@code llama-bpe}, tokens, types, merges, BOS/EOS), with
 * BOS added as llama.cpp does for Llama 3.
 *
 * @param metadata the {@code tokenizer.*} keys
 * @param size the number of tokens
 */
public record Llama3Vocabulary(Map<String, MetadataValue> metadata, int size) {
    /** Llama 3's vocabulary: 128000 merged tokens and 256 added ones. */
    public static final int SIZE = 128256;

    /**
     * Reads {@code tokenizer.json} and {@code tokenizer_config.json} from {@code folder}.
     *
     * @throws NoSuchFileException when {@code folder} has no {@code tokenizer.json}
     * @throws dev.basalt.tokenizer.TokenizerException when it is not a byte-level BPE tokenizer of at most
     *     {@value #SIZE} tokens
     */
    public static Llama3Vocabulary read(Path folder) throws IOException {
        Path json = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(json)) {
            throw new NoSuchFileException(json.toString(), null, "a Llama 3 tokenizer.json is needed for the vocabulary");
        }
        Map<String, MetadataValue> md = new java.util.LinkedHashMap<>(GgufTokenizerMetadata.fromHuggingFace(json, SIZE, Map.of()));
        md.put("tokenizer.ggml.add_bos_token", MetadataValue.bool(true));
        md.put("tokenizer.ggml.add_eos_token", MetadataValue.bool(false));
        md.remove("tokenizer.chat_template");
        return new Llama3Vocabulary(md, SIZE);
    }

    /** Writes the {@code tokenizer.ggml.*} metadata. */
    public void writeTo(GgufWriter w) {
        metadata.forEach(w::put);
    }

    @Override
    public String toString() {
        return "Llama 3 vocabulary (" + size + " tokens)";
    }
}
