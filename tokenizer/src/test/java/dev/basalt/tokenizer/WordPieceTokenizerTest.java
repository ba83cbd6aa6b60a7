package dev.basalt.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.basalt.gguf.MetadataValue;
import org.junit.jupiter.api.Test;

/** WordPiece matching, word splitting and normalisation on a small synthetic vocabulary (no test data needed). */
class WordPieceTokenizerTest {
    private static final String W = "\u2581"; // the GGUF vocabulary's word-start mark

    /** [PAD] [UNK] [CLS] [SEP] and a few words; continuations are stored bare, as llama.cpp's converter does. */
    private static SyntheticVocab vocab() {
        return new SyntheticVocab("bert")
                .token("[PAD]", 0f, SyntheticVocab.CONTROL).token("[UNK]", 0f, SyntheticVocab.CONTROL)
                .token("[CLS]", 0f, SyntheticVocab.CONTROL).token("[SEP]", 0f, SyntheticVocab.CONTROL)
                .normal(W + "a", 0f).normal(W + "ab", 0f).normal(W + "c", 0f).normal("b", 0f).normal("bcd", 0f)
                .normal("c", 0f).normal("d", 0f).normal(W + "e", 0f).normal(W + "\u00e9", 0f).normal(W + ",", 0f)
                .normal(W + "\u4e2d", 0f)
                .key("tokenizer.ggml.unknown_token_id", MetadataValue.u32(1))
                .key("tokenizer.ggml.cls_token_id", MetadataValue.u32(2))
                .key("tokenizer.ggml.seperator_token_id", MetadataValue.u32(3));
    }

    private static int[] ids(SyntheticVocab v, String... tokens) {
        int[] ids = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            ids[i] = v.id(tokens[i]);
        }
        return ids;
    }

    @Test
    void longestMatchFirstNotFewestTokens() {
        SyntheticVocab v = vocab();
        // "▁a" + "bcd" would be two tokens; WordPiece takes the longest first token "▁ab" and goes on from there.
        assertArrayEquals(ids(v, W + "ab", "c", "d"), WordPieceTokenizer.fromGguf(v.metadata()).encode("abcd"));
    }

    @Test
    void wordStartTokensDoNotMatchInsideWords() {
        SyntheticVocab v = vocab();
        Tokenizer t = WordPieceTokenizer.fromGguf(v.metadata());
        assertArrayEquals(ids(v, W + "a", "c"), t.encode("ac"));
        assertArrayEquals(ids(v, W + "a", W + "c"), t.encode("a c"));
    }

    @Test
    void anUncoverableWordIsOneUnknownTokenWithNoPartialMatches() {
        SyntheticVocab v = vocab();
        Tokenizer t = WordPieceTokenizer.fromGguf(v.metadata());
        assertArrayEquals(new int[] {v.id(W + "a"), 1, v.id(W + "c")}, t.encode("a abx c"));
    }

    @Test
    void punctuationAndCjkSplitAndWhitespaceRunsVanish() {
        SyntheticVocab v = vocab();
        Tokenizer t = WordPieceTokenizer.fromGguf(v.metadata());
        assertArrayEquals(ids(v, W + "a", W + ",", W + "\u4e2d", W + "c"), t.encode(" \t a,\u4e2dc \n\u3000"));
        assertArrayEquals(ids(v, W + "a", "c"), t.encode("a\u0000\u200b\u0007c"),
                "NUL, format and control characters vanish without splitting");
    }

    @Test
    void lowerCasingAndAccentStrippingFollowTheMetadata() {
        SyntheticVocab v = vocab();
        Tokenizer defaults = WordPieceTokenizer.fromGguf(v.metadata());
        assertArrayEquals(ids(v, W + "a", W + "e", W + "e"), defaults.encode("A \u00c9 e\u0301"));

        SyntheticVocab keepCase = vocab().key("tokenizer.ggml.normalizer.lowercase", MetadataValue.bool(false));
        Tokenizer cased = WordPieceTokenizer.fromGguf(keepCase.metadata());
        assertArrayEquals(new int[] {1, keepCase.id(W + "\u00e9")}, cased.encode("A \u00e9"),
                "accent stripping follows lower-casing unless set");

        SyntheticVocab stripOnly = vocab().key("tokenizer.ggml.normalizer.lowercase", MetadataValue.bool(false))
                .key("tokenizer.ggml.normalizer.strip_accents", MetadataValue.bool(true));
        assertArrayEquals(ids(stripOnly, W + "e"), WordPieceTokenizer.fromGguf(stripOnly.metadata()).encode("\u00e9"));
    }

    @Test
    void addSpecialUsesTheDeclaredClsWhenNoBosIsDeclared() {
        SyntheticVocab v = vocab();
        Tokenizer t = WordPieceTokenizer.fromGguf(v.metadata());
        assertArrayEquals(new int[] {2, v.id(W + "a"), 3}, t.encode("a", true, false));
        assertArrayEquals(new int[] {2, v.id(W + "a")}, t.encode("[CLS]a", false, true));
        assertEquals("[CLS] a [SEP]", t.decode(t.encode("a", true, false), true));
        assertEquals("a, c", t.decode(t.encode("a , c")));
    }
}
