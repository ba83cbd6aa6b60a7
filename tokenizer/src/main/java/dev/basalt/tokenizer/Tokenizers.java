package dev.basalt.tokenizer;

import dev.basalt.gguf.GgufFile;
import dev.basalt.gguf.Metadata;
import dev.basalt.gguf.MetadataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds the right tokenizer for a vocabulary: from GGUF metadata, a GGUF file, or a Hugging Face tokenizer. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /**
     * The tokenizer a GGUF file's {@code tokenizer.ggml.model} names: {@code llama} (SentencePiece), {@code gpt2}
     * (byte-level BPE, pre-tokenizer from {@code tokenizer.ggml.pre}) or {@code bert} (WordPiece).
     *
     * @throws TokenizerException for other tokenizer models
     */
    public static Tokenizer fromGguf(Metadata m) {
        String model = m.getString("tokenizer.ggml.model");
        return switch (model) {
            case "llama" -> SentencePieceTokenizer.fromGguf(m);
            case "gpt2" -> BytePairTokenizer.fromGguf(m);
            case "bert" -> WordPieceTokenizer.fromGguf(m);
            default -> throw new MetadataException(m.source(), "tokenizer.ggml.model",
                    "is \"" + model + "\"; supported tokenizer models: llama (SentencePiece), gpt2 (byte-level BPE), bert (WordPiece)");
        };
    }

    /**
     * Loads a tokenizer from a GGUF file, a {@code tokenizer.json}, or a folder holding {@code tokenizer.json}
     * (with {@code tokenizer_config.json} beside it when present).
     */
    public static Tokenizer load(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return HuggingFaceTokenizer.load(path.resolve("tokenizer.json"));
        }
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        if (name.endsWith(".json")) {
            return HuggingFaceTokenizer.load(path);
        }
        try (GgufFile gguf = GgufFile.open(path)) {
            return fromGguf(gguf.metadata());
        }
    }
}
