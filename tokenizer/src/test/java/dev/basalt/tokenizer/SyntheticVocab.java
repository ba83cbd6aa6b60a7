package dev.basalt.tokenizer;

import dev.basalt.gguf.GgufArray;
import dev.basalt.gguf.Metadata;
import dev.basalt.gguf.MetadataValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds small in-memory GGUF tokenizer metadata, token by token, for tests that must not depend on ../shared. */
final class SyntheticVocab {
    static final int NORMAL = 1;
    static final int UNKNOWN = 2;
    static final int CONTROL = 3;
    static final int BYTE = 6;

    private final String model;
    private final List<String> tokens = new ArrayList<>();
    private final List<Float> scores = new ArrayList<>();
    private final List<Integer> types = new ArrayList<>();
    private final Map<String, MetadataValue> extra = new LinkedHashMap<>();

    SyntheticVocab(String model) {
        this.model = model;
    }

    SyntheticVocab token(String text, float score, int type) {
        tokens.add(text);
        scores.add(score);
        types.add(type);
        return this;
    }

    SyntheticVocab normal(String text, float score) {
        return token(text, score, NORMAL);
    }

    /** All 256 {@code <0xNN>} byte tokens. */
    SyntheticVocab byteTokens() {
        for (int b = 0; b < 256; b++) {
            token(String.format("<0x%02X>", b), 0f, BYTE);
        }
        return this;
    }

    SyntheticVocab key(String key, MetadataValue value) {
        extra.put(key, value);
        return this;
    }

    int id(String text) {
        return tokens.indexOf(text);
    }

    Metadata metadata() {
        Map<String, MetadataValue> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", MetadataValue.string(model));
        m.put("tokenizer.ggml.tokens", MetadataValue.array(GgufArray.ofStrings(tokens.toArray(String[]::new))));
        float[] s = new float[scores.size()];
        int[] t = new int[types.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.get(i);
            t[i] = types.get(i);
        }
        m.put("tokenizer.ggml.scores", MetadataValue.array(GgufArray.ofFloats(s)));
        m.put("tokenizer.ggml.token_type", MetadataValue.array(GgufArray.ofInts(t)));
        m.putAll(extra);
        return new Metadata("synthetic-" + model, m);
    }
}
