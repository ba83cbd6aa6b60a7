package dev.basalt.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** SentencePiece on the real llama-spm and phi-3 vocabularies: round trips, fallbacks, special tokens, streaming. */
@Tag("testdata")
class SentencePieceGgufTest {
    static final List<String> NAMES = List.of("llama-spm", "phi-3");
    /** Characters neither vocabulary has as a token: they can only come out as byte tokens. */
    static final String RARE = "\uD83E\uDD99 \uD840\uDC00\u9F98 \uA66E";

    private static Tokenizer load(String name) throws IOException {
        return assertInstanceOf(SentencePieceTokenizer.class, Tokenizers.load(VocabVectors.gguf(name)));
    }

    @ParameterizedTest
    @FieldSource("NAMES")
    void decodeOfEncodeGivesEveryVectorTextBack(String name) throws IOException {
        Tokenizer t = load(name);
        for (String text : VocabVectors.load(name).texts()) {
            assertEquals(text, t.decode(t.encode(text)), GgufVocabVectorsTest.escape(text));
            assertEquals(text, t.decode(t.encode(text, true, false)), "with BOS: " + GgufVocabVectorsTest.escape(text));
        }
    }

    @ParameterizedTest
    @FieldSource("NAMES")
    void charactersOutsideTheVocabularyRoundTripThroughByteTokens(String name) throws IOException {
        Tokenizer t = load(name);
        int[] ids = t.encode(RARE);
        long byteTokens = Arrays.stream(ids).filter(id -> t.vocabulary().is(id, TokenAttr.BYTE)).count();
        // 🦙 and 𠀀 are 4 UTF-8 bytes each, 龘 and ꙮ 3: all of them fall back.
        assertEquals(14, byteTokens, Arrays.toString(ids));
        assertEquals(RARE, t.decode(ids));
    }

    @ParameterizedTest
    @FieldSource("NAMES")
    void parseSpecialTurnsMarkerTextIntoBosAndEos(String name) throws IOException {
        Tokenizer t = load(name);
        SpecialTokens sp = t.vocabulary().special();
        int[] parsed = t.encode("<s>Hi</s>", false, true);
        assertEquals(sp.bos(), parsed[0]);
        assertEquals(t.vocabulary().id("</s>"), parsed[parsed.length - 1], "phi-3's EOS is <|endoftext|>; </s> is id 2 in both");
        int[] plain = t.encode("<s>Hi</s>", false, false);
        assertTrue(IntStream.of(plain).noneMatch(id -> t.vocabulary().is(id, TokenAttr.CONTROL)), Arrays.toString(plain));
        assertEquals("<s>Hi</s>", t.decode(plain));
        assertEquals("<s>Hi</s>", t.decode(parsed, true));
    }

    @ParameterizedTest
    @FieldSource("NAMES")
    void addSpecialAddsBosOnly(String name) throws IOException {
        Tokenizer t = load(name);
        int[] plain = t.encode("Hello world");
        int[] withBos = t.encode("Hello world", true, false);
        assertEquals(1, withBos[0]);
        assertArrayEquals(plain, Arrays.copyOfRange(withBos, 1, withBos.length), "add_eos_token is false");
        assertArrayEquals(new int[] {1}, t.encode("", true, false));
    }

    @ParameterizedTest
    @FieldSource("NAMES")
    void streamingHoldsBackPartialCharactersAndNeverReplaces(String name) throws IOException {
        Tokenizer t = load(name);
        String text = "a" + RARE + "b";
        int[] ids = t.encode(text);
        StreamingDetokenizer stream = new StreamingDetokenizer(t, false);
        StringBuilder out = new StringBuilder();
        int heldBack = 0;
        for (int id : ids) {
            String s = stream.push(id);
            assertFalse(s.contains("\uFFFD"), "U+FFFD after token " + id);
            if (t.vocabulary().is(id, TokenAttr.BYTE) && (t.pieceBytes(id, false)[0] & 0xC0) != 0x80) {
                assertEquals("", s, "a lead byte alone completes nothing");
                heldBack++;
            }
            out.append(s);
        }
        assertEquals(4, heldBack);
        assertEquals("", stream.flush());
        assertEquals(" " + text, out.toString(), "streaming keeps the prefix space, as llama.cpp's pieces do");
    }

    @ParameterizedTest
    @FieldSource("NAMES")
    void outOfRangeIdNamesTheId(String name) throws IOException {
        Tokenizer t = load(name);
        int size = t.vocabulary().size();
        TokenizerException e = assertThrows(TokenizerException.class, () -> t.decode(new int[] {1, 15043, size}));
        assertTrue(e.getMessage().contains("token id " + size), e.getMessage());
        assertThrows(TokenizerException.class, () -> new StreamingDetokenizer(t, false).push(-1));
    }

    /** A guard against quadratic behaviour or hangs in the merge loop, not a speed benchmark. */
    @Test
    void aMegabyteOfTextTokenizesInBoundedTime() throws IOException {
        Tokenizer t = load("llama-spm");
        String all = String.join("\n", VocabVectors.load("llama-spm").texts());
        String big = all.repeat(1 + (1 << 20) / all.length());
        int[] ids = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> t.encode(big));
        assertTrue(ids.length > big.length() / 10, ids.length + " tokens");
        assertEquals(big, t.decode(ids));
    }
}
