package dev.basalt.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.gguf.GgufArray;
import dev.basalt.gguf.Metadata;
import dev.basalt.gguf.MetadataException;
import dev.basalt.gguf.MetadataValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Synthetic GGUF byte-level vocabularies: the merge engine's order, and clear errors. No test data needed. */
class BytePairErrorsTest {

    /** The 256 byte characters (id = byte value), then {@code more}. */
    static List<String> byteTokens(String... more) {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevelMapping.charOf(b)));
        }
        tokens.addAll(List.of(more));
        return tokens;
    }

    static Metadata gguf(List<String> tokens, String[] merges, String pre) {
        Map<String, MetadataValue> kv = new LinkedHashMap<>();
        kv.put("tokenizer.ggml.model", MetadataValue.string("gpt2"));
        if (pre != null) {
            kv.put("tokenizer.ggml.pre", MetadataValue.string(pre));
        }
        kv.put("tokenizer.ggml.tokens", MetadataValue.array(GgufArray.ofStrings(tokens.toArray(String[]::new))));
        if (merges != null) {
            kv.put("tokenizer.ggml.merges", MetadataValue.array(GgufArray.ofStrings(merges)));
        }
        return new Metadata("synthetic.gguf", kv);
    }

    private static final String[] MERGES = {"b c", "a b", "a bc"};

    @Test
    void mergesApplyByRankThenLeftmost() {
        BytePairTokenizer t = BytePairTokenizer.fromGguf(gguf(byteTokens("bc", "ab", "abc"), MERGES, "gpt-2"));
        assertArrayEquals(new int[] {258}, t.encode("abc"), "b+c (rank 0) before a+b (rank 1), then a+bc");
        assertArrayEquals(new int[] {257, 257}, t.encode("abab"));
        assertArrayEquals(new int[] {257, 'a'}, t.encode("aba"), "equal ranks: the leftmost pair first");
        assertEquals("abab", t.decode(t.encode("abab")));
    }

    @Test
    void ignoreMergesTakesAWholeWordThatIsAToken() {
        List<String> tokens = byteTokens("ab", "abc");
        String[] merges = {"a b"};
        assertArrayEquals(new int[] {256, 'c'}, BytePairTokenizer.fromGguf(gguf(tokens, merges, "gpt-2")).encode("abc"));
        assertArrayEquals(new int[] {257}, BytePairTokenizer.fromGguf(gguf(tokens, merges, "llama-bpe")).encode("abc"));
    }

    @Test
    void missingPreMeansLlamaCppsDefaultFamily() {
        assertEquals("default", BytePairTokenizer.fromGguf(gguf(byteTokens(), new String[0], null)).preTokenizer());
    }

    @Test
    void unknownPreIsAnErrorNamingTheValueAndTheSupportedOnes() {
        TokenizerException e = assertThrows(TokenizerException.class,
                () -> BytePairTokenizer.fromGguf(gguf(byteTokens(), new String[0], "no-such-pre")));
        assertTrue(e.getMessage().contains("\"no-such-pre\""), e.getMessage());
        assertTrue(e.getMessage().contains("llama-bpe") && e.getMessage().contains("qwen2"), e.getMessage());
        assertTrue(e.getMessage().contains("synthetic.gguf"), e.getMessage());
    }

    @Test
    void missingMergesNameTheKey() {
        MetadataException e = assertThrows(MetadataException.class,
                () -> BytePairTokenizer.fromGguf(gguf(byteTokens(), null, "gpt-2")));
        assertEquals("tokenizer.ggml.merges", e.key());
    }

    @Test
    void mergeNamingAnUnknownTokenNamesRuleAndToken() {
        TokenizerException e = assertThrows(TokenizerException.class,
                () -> BytePairTokenizer.fromGguf(gguf(byteTokens("ab"), new String[] {"a b", "ab zz"}, "gpt-2")));
        assertTrue(e.getMessage().contains("merge 1") && e.getMessage().contains("\"zz\""), e.getMessage());
        TokenizerException noProduct = assertThrows(TokenizerException.class,
                () -> BytePairTokenizer.fromGguf(gguf(byteTokens(), new String[] {"a b"}, "gpt-2")));
        assertTrue(noProduct.getMessage().contains("\"ab\""), noProduct.getMessage());
        MetadataException noSpace = assertThrows(MetadataException.class,
                () -> BytePairTokenizer.fromGguf(gguf(byteTokens("ab"), new String[] {"ab"}, "gpt-2")));
        assertTrue(noSpace.getMessage().contains("entry 0"), noSpace.getMessage());
    }

    @Test
    void loneSurrogatesBecomeTheReplacementCharacter() {
        BytePairTokenizer t = BytePairTokenizer.fromGguf(gguf(byteTokens(), new String[0], "llama-bpe"));
        assertArrayEquals(t.encode("x\uFFFDy"), t.encode("x\uDBFFy"));
        assertEquals("x\uFFFDy\uFFFD", t.decode(t.encode("x\uDBFFy\uDC00")));
        assertEquals("\uD83D\uDE42", t.decode(t.encode("\uD83D\uDE42")), "a valid pair is kept");
    }

    @Test
    void pieceBytesOfAnOutOfRangeIdNamesIt() {
        BytePairTokenizer t = BytePairTokenizer.fromGguf(gguf(byteTokens(), new String[0], "gpt-2"));
        TokenizerException e = assertThrows(TokenizerException.class, () -> t.pieceBytes(256, false));
        assertTrue(e.getMessage().contains("256"), e.getMessage());
    }

    @Test
    void everyPreTokenizerFamilyCompilesAndLosesNoText() {
        String text = "Hello WORLD, it's 12345 apples!\n\n  \t über Ⅻ 日本語 🙂 \u00A0x " + "Abc".repeat(20_000);
        for (String pre : BpePreTokenizers.supported()) {
            BytePairTokenizer t = BytePairTokenizer.fromGguf(gguf(byteTokens(), new String[0], pre));
            assertEquals(text, t.decode(t.encode(text)), pre);
        }
    }

    @Test
    void byteLevelMappingIsGpt2s() {
        assertEquals('Ġ', ByteLevelMapping.charOf(' '));
        assertEquals('Ċ', ByteLevelMapping.charOf('\n'));
        assertEquals('!', ByteLevelMapping.charOf('!'));
        for (int b = 0; b < 256; b++) {
            assertEquals(b, ByteLevelMapping.byteOf(ByteLevelMapping.charOf(b)));
        }
        assertEquals(-1, ByteLevelMapping.byteOf('\u4E00'));
    }
}
