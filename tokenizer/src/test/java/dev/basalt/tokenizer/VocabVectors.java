package dev.basalt.tokenizer;

import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** llama.cpp's tokenizer test vectors: ../shared/testdata/vocab/ggml-vocab-NAME.gguf with .inp texts and .out ids. */
record VocabVectors(String name, List<String> texts, List<int[]> ids) {
    static final String SEPARATOR = "\n__ggml_vocab_test__\n";
    static final List<String> NAMES = List.of("llama-spm", "llama-bpe", "qwen2", "deepseek-llm", "deepseek-coder", "falcon",
            "gpt-2", "mpt", "starcoder", "refact", "command-r", "phi-3", "bert-bge");

    static Path gguf(String name) {
        return TestData.path("vocab", "ggml-vocab-" + name + ".gguf");
    }

    static VocabVectors load(String name) {
        try {
            Path base = gguf(name);
            String inp = Files.readString(base.resolveSibling(base.getFileName() + ".inp"), StandardCharsets.UTF_8);
            List<String> texts = new ArrayList<>();
            int from = 0;
            while (from < inp.length()) {
                int at = inp.indexOf(SEPARATOR, from);
                if (at < 0) {
                    throw new IllegalStateException(name + ".inp does not end with a separator");
                }
                texts.add(inp.substring(from, at));
                from = at + SEPARATOR.length();
            }
            List<int[]> ids = new ArrayList<>();
            for (String line : Files.readAllLines(base.resolveSibling(base.getFileName() + ".out"), StandardCharsets.US_ASCII)) {
                String t = line.strip();
                ids.add(t.isEmpty() ? new int[0] : java.util.Arrays.stream(t.split(" ")).mapToInt(Integer::parseInt).toArray());
            }
            if (texts.size() != ids.size()) {
                throw new IllegalStateException(name + ": " + texts.size() + " texts but " + ids.size() + " id lines");
            }
            return new VocabVectors(name, texts, ids);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
