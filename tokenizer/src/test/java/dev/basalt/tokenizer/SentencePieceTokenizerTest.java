package dev.basalt.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.gguf.GgufArray;
import dev.basalt.gguf.MetadataValue;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** SentencePiece merge order, fallbacks and space handling on small synthetic vocabularies (no test data needed). */
class SentencePieceTokenizerTest {

    /** <unk> <s> </s>, then the characters a b c ▁ and whatever merges the test adds. */
    private static SyntheticVocab base() {
        return new SyntheticVocab("llama")
                .token("<unk>", 0f, SyntheticVocab.UNKNOWN)
                .token("<s>", 0f, SyntheticVocab.CONTROL)
                .token("</s>", 0f, SyntheticVocab.CONTROL)
                .normal("a", -10f).normal("b", -10f).normal("c", -10f).normal("\u2581", -10f);
    }

    private static SentencePieceTokenizer noPrefix(SyntheticVocab v) {
        v.key("tokenizer.ggml.add_space_prefix", MetadataValue.bool(false));
        return SentencePieceTokenizer.fromGguf(v.metadata());
    }

    private static int[] ids(SyntheticVocab v, String... tokens) {
        int[] ids = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            ids[i] = v.id(tokens[i]);
            assertTrue(ids[i] >= 0, tokens[i]);
        }
        return ids;
    }

    @Test
    void theHigherScoredMergeWins() {
        SyntheticVocab abFirst = base().normal("ab", -1f).normal("bc", -2f);
        assertArrayEquals(ids(abFirst, "ab", "c"), noPrefix(abFirst).encode("abc"));
        SyntheticVocab bcFirst = base().normal("ab", -2f).normal("bc", -1f);
        assertArrayEquals(ids(bcFirst, "a", "bc"), noPrefix(bcFirst).encode("abc"));
    }

    @Test
    void equalScoresMergeLeftmostFirst() {
        SyntheticVocab v = base().normal("aa", -1f);
        assertArrayEquals(ids(v, "aa", "a"), noPrefix(v).encode("aaa"));
        assertArrayEquals(ids(v, "aa", "aa", "a"), noPrefix(v).encode("aaaaa"));
    }

    @Test
    void mergesBuildOnEarlierMerges() {
        // "abc" needs a two-character token first; either side works, and a merged symbol merges again.
        SyntheticVocab viaBc = base().normal("bc", -1f).normal("abc", -0.5f);
        assertArrayEquals(ids(viaBc, "abc"), noPrefix(viaBc).encode("abc"));
        SyntheticVocab viaAb = base().normal("ab", -1f).normal("abc", -0.5f);
        assertArrayEquals(ids(viaAb, "abc", "abc"), noPrefix(viaAb).encode("abcabc"));
        SyntheticVocab none = base().normal("abc", -0.5f);
        assertArrayEquals(ids(none, "a", "b", "c"), noPrefix(none).encode("abc"), "no pair forms a token");
    }

    @Test
    void charactersOutsideTheVocabularyBecomeByteTokens() {
        SyntheticVocab v = base().byteTokens();
        Tokenizer t = noPrefix(v);
        int[] ids = t.encode("a\u00e9");
        assertArrayEquals(ids(v, "a", "<0xC3>", "<0xA9>"), ids);
        assertEquals("a\u00e9", t.decode(ids));
    }

    @Test
    void withoutByteTokensAnUnknownCharacterIsOneUnknownToken() {
        SyntheticVocab v = base(); // no unknown_token_id key: llama.cpp's preset 0 applies
        Tokenizer t = noPrefix(v);
        assertEquals(0, t.vocabulary().special().unk());
        assertArrayEquals(new int[] {v.id("a"), 0, v.id("b")}, t.encode("a\u00e9b"));
        assertArrayEquals(new int[] {v.id("a"), 0, v.id("b")}, t.encode("a\uD83E\uDD99b"), "a surrogate pair is one character");
    }

    @Test
    void spacePrefixGoesAtTheStartAndAfterSpecialTokensOnly() {
        SyntheticVocab v = base().normal("\u2581a", -1f);
        Tokenizer t = SentencePieceTokenizer.fromGguf(v.metadata());
        int wa = v.id("\u2581a");
        assertArrayEquals(new int[] {wa}, t.encode("a"));
        assertArrayEquals(new int[] {wa, wa}, t.encode("a a"));
        assertArrayEquals(new int[] {wa, v.id("a")}, t.encode("a" + "a"), "no space is invented mid-text");
        assertArrayEquals(new int[] {wa, 2, wa}, t.encode("a</s>a", false, true));
        assertArrayEquals(new int[0], t.encode(""), "empty text gives no tokens, not a lone prefix");
    }

    @Test
    void decodeDropsOnlyTheSpaceTheEncoderAdded() {
        SyntheticVocab v = base().normal("\u2581a", -1f).normal("\u2581\u2581", -1f);
        Tokenizer t = SentencePieceTokenizer.fromGguf(v.metadata());
        for (String text : new String[] {"a", " a", "  a", "a a", "a ", " "}) {
            assertEquals(text, t.decode(t.encode(text)), '"' + text + '"');
            assertEquals(text, t.decode(t.encode(text, true, false)), "with BOS: \"" + text + '"');
        }
        assertEquals("<s>a</s>a", t.decode(t.encode("<s>a</s>a", false, true), true));
    }

    @Test
    void piecesFollowLlamaCpp() {
        SyntheticVocab v = base().byteTokens().normal("\u2581a", -1f);
        Tokenizer t = SentencePieceTokenizer.fromGguf(v.metadata());
        assertArrayEquals(" a".getBytes(StandardCharsets.UTF_8), t.pieceBytes(v.id("\u2581a"), false));
        assertArrayEquals(new byte[] {(byte) 0xC3}, t.pieceBytes(v.id("<0xC3>"), false));
        assertArrayEquals(new byte[0], t.pieceBytes(1, false), "control tokens are hidden unless rendered");
        assertArrayEquals("<s>".getBytes(StandardCharsets.UTF_8), t.pieceBytes(1, true));
        assertArrayEquals(new byte[0], t.pieceBytes(0, false), "so is the unknown token");
        assertArrayEquals("<unk>".getBytes(StandardCharsets.UTF_8), t.pieceBytes(0, true));
    }

    @Test
    void outOfRangeIdsAreRejectedWithTheId() {
        SyntheticVocab v = base();
        Tokenizer t = noPrefix(v);
        int size = t.vocabulary().size();
        TokenizerException e = assertThrows(TokenizerException.class, () -> t.decode(new int[] {v.id("a"), size}));
        assertTrue(e.getMessage().contains(String.valueOf(size)), e.getMessage());
        TokenizerException negative = assertThrows(TokenizerException.class, () -> t.pieceBytes(-7, true));
        assertTrue(negative.getMessage().contains("-7"), negative.getMessage());
    }

    @Test
    void malformedByteTokenIsRejectedAtLoad() {
        SyntheticVocab v = base().token("<0xZZ>", 0f, SyntheticVocab.BYTE);
        TokenizerException e = assertThrows(TokenizerException.class, () -> SentencePieceTokenizer.fromGguf(v.metadata()));
        assertTrue(e.getMessage().contains("<0xZZ>"), e.getMessage());
    }

    @Test
    void emptyTokenListFailsClearly() {
        SyntheticVocab v = new SyntheticVocab("llama");
        TokenizerException e = assertThrows(TokenizerException.class, () -> SentencePieceTokenizer.fromGguf(v.metadata()));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertThrows(TokenizerException.class, () -> Tokenizers.fromGguf(v.metadata()));
    }

    @Test
    void presetIdsFillOnlyWhatTheFileLeavesOut() {
        SyntheticVocab v = base().key("tokenizer.ggml.eos_token_id", MetadataValue.u32(1))
                .key("tokenizer.ggml.bos_token_id", MetadataValue.u32(4294967295L)); // llama.cpp's "none"
        SpecialTokens sp = SentencePieceTokenizer.fromGguf(v.metadata()).vocabulary().special();
        assertEquals(1, sp.eos(), "declared");
        assertEquals(1, sp.bos(), "out of range: preset");
        assertEquals(0, sp.unk(), "absent: preset");
        assertEquals(SpecialTokens.NONE, sp.sep());
        assertTrue(sp.addBos());
    }

    @Test
    void scoreArrayOfTheWrongLengthIsRejected() {
        SyntheticVocab v = base().key("tokenizer.ggml.scores", MetadataValue.array(GgufArray.ofFloats(1f, 2f)));
        assertThrows(RuntimeException.class, () -> SentencePieceTokenizer.fromGguf(v.metadata()));
    }
}
