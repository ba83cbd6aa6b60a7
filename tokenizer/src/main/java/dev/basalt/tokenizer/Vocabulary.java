package dev.basalt.tokenizer;

import dev.basalt.gguf.Metadata;
import dev.basalt.gguf.MetadataException;
import java.util.HashMap;
import java.util.Map;

/**
 * A tokenizer's vocabulary: token texts (as the file stores them, e.g. with SentencePiece's {@code ▁} or GPT-2's
 * byte-to-unicode characters), optional scores, per-token {@link TokenAttr} bits, and the special tokens.
 */
public final class Vocabulary {
    private final String source;
    private final String[] tokens;
    private final float[] scores;
    private final int[] attrs;
    private final Map<String, Integer> ids;
    private final SpecialTokens special;

    /**
     * @param scores null when the vocabulary has none
     * @throws TokenizerException when the arrays disagree in length
     */
    public Vocabulary(String source, String[] tokens, float[] scores, int[] attrs, SpecialTokens special) {
        if (tokens.length == 0) {
            throw new TokenizerException(source + ": the vocabulary is empty");
        }
        if (scores != null && scores.length != tokens.length) {
            throw new TokenizerException(source + ": " + scores.length + " scores for " + tokens.length + " tokens");
        }
        if (attrs.length != tokens.length) {
            throw new TokenizerException(source + ": " + attrs.length + " token types for " + tokens.length + " tokens");
        }
        this.source = source;
        this.tokens = tokens;
        this.scores = scores;
        this.attrs = attrs;
        this.special = special;
        this.ids = new HashMap<>(tokens.length * 2);
        for (int i = 0; i < tokens.length; i++) {
            ids.putIfAbsent(tokens[i], i); // llama.cpp assumes no duplicate texts; should one occur, the first id wins
        }
    }

    /**
     * The vocabulary stored in GGUF metadata ({@code tokenizer.ggml.tokens}, {@code .scores}, {@code .token_type},
     * the special-token ids and {@code add_bos_token} / {@code add_eos_token}).
     *
     * @param defaultAddBos used when the file does not say (the tokenizer type decides, as in llama.cpp)
     */
    public static Vocabulary fromGguf(Metadata m, boolean defaultAddBos, boolean defaultAddEos) {
        String source = m.source();
        String[] tokens = m.getStringArray("tokenizer.ggml.tokens");
        float[] scores = m.has("tokenizer.ggml.scores") ? m.getFloatArray("tokenizer.ggml.scores") : null;
        int[] attrs = new int[tokens.length];
        if (m.has("tokenizer.ggml.token_type")) {
            int[] types = m.getIntArray("tokenizer.ggml.token_type");
            if (types.length != tokens.length) {
                throw new MetadataException(source, "tokenizer.ggml.token_type", types.length + " entries for " + tokens.length + " tokens");
            }
            for (int i = 0; i < types.length; i++) {
                attrs[i] = TokenAttr.fromGgufTokenType(types[i]);
            }
        } else {
            java.util.Arrays.fill(attrs, TokenAttr.NORMAL);
        }
        if (scores != null && scores.length != tokens.length) {
            throw new MetadataException(source, "tokenizer.ggml.scores", scores.length + " entries for " + tokens.length + " tokens");
        }
        SpecialTokens special = new SpecialTokens(
                id(m, tokens.length, "tokenizer.ggml.bos_token_id"),
                id(m, tokens.length, "tokenizer.ggml.eos_token_id"),
                id(m, tokens.length, "tokenizer.ggml.eot_token_id"),
                id(m, tokens.length, "tokenizer.ggml.eom_token_id"),
                id(m, tokens.length, "tokenizer.ggml.unknown_token_id"),
                m.has("tokenizer.ggml.separator_token_id") ? id(m, tokens.length, "tokenizer.ggml.separator_token_id")
                        : id(m, tokens.length, "tokenizer.ggml.seperator_token_id"),
                id(m, tokens.length, "tokenizer.ggml.padding_token_id"),
                id(m, tokens.length, "tokenizer.ggml.cls_token_id"),
                id(m, tokens.length, "tokenizer.ggml.mask_token_id"),
                m.getBoolean("tokenizer.ggml.add_bos_token", defaultAddBos),
                m.getBoolean("tokenizer.ggml.add_eos_token", defaultAddEos));
        return new Vocabulary(source, tokens, scores, attrs, special);
    }

    /** A special-token id key: absent or out of range (llama.cpp files use 4294967295 for "none") gives -1. */
    private static int id(Metadata m, int size, String key) {
        if (!m.has(key)) {
            return SpecialTokens.NONE;
        }
        long v = m.getLong(key);
        return v >= 0 && v < size ? (int) v : SpecialTokens.NONE;
    }

    /**
     * This vocabulary with every special id the file left out (or gave out of range) taken from {@code defaults},
     * as llama.cpp presets ids per tokenizer type (SentencePiece: BOS 1, EOS 2, UNK 0); a default outside the
     * vocabulary stays {@link SpecialTokens#NONE}. The add-BOS / add-EOS flags stay this vocabulary's.
     */
    public Vocabulary withDefaultSpecialIds(SpecialTokens defaults) {
        SpecialTokens s = special;
        SpecialTokens merged = new SpecialTokens(
                orDefault(s.bos(), defaults.bos()), orDefault(s.eos(), defaults.eos()),
                orDefault(s.eot(), defaults.eot()), orDefault(s.eom(), defaults.eom()),
                orDefault(s.unk(), defaults.unk()), orDefault(s.sep(), defaults.sep()),
                orDefault(s.pad(), defaults.pad()), orDefault(s.cls(), defaults.cls()),
                orDefault(s.mask(), defaults.mask()), s.addBos(), s.addEos());
        return new Vocabulary(source, tokens, scores, attrs, merged);
    }

    private int orDefault(int id, int fallback) {
        return id != SpecialTokens.NONE ? id : fallback >= 0 && fallback < tokens.length ? fallback : SpecialTokens.NONE;
    }

    /** Where the vocabulary came from (for error messages). */
    public String source() {
        return source;
    }

    public int size() {
        return tokens.length;
    }

    /** @throws TokenizerException when {@code id} is not a token of this vocabulary */
    public String token(int id) {
        checkId(id);
        return tokens[id];
    }

    /** The token's score (SentencePiece merge priority), 0 when the vocabulary has no scores. */
    public float score(int id) {
        checkId(id);
        return scores == null ? 0f : scores[id];
    }

    public boolean hasScores() {
        return scores != null;
    }

    public int attr(int id) {
        checkId(id);
        return attrs[id];
    }

    public boolean is(int id, int attr) {
        return (attr(id) & attr) != 0;
    }

    /** The id of the token with exactly this text, or -1. */
    public int id(String text) {
        Integer id = ids.get(text);
        return id == null ? -1 : id;
    }

    public SpecialTokens special() {
        return special;
    }

    public void checkId(int id) {
        if (id < 0 || id >= tokens.length) {
            throw new TokenizerException(source + ": token id " + id + " is out of range (vocabulary of " + tokens.length + ")");
        }
    }
}
