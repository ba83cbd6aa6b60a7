package dev.basalt.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** WordPiece on the real bert-bge vocabulary (CLS 101, SEP 102, UNK 100). */
@Tag("testdata")
class WordPieceGgufTest {
    static Tokenizer t;

    @BeforeAll
    static void load() throws IOException {
        t = assertInstanceOf(WordPieceTokenizer.class, Tokenizers.load(VocabVectors.gguf("bert-bge")));
    }

    @Test
    void addSpecialWrapsInClsAndSep() {
        int[] plain = t.encode("Hello world");
        int[] wrapped = t.encode("Hello world", true, false);
        assertEquals(plain.length + 2, wrapped.length);
        assertEquals(101, wrapped[0]);
        assertEquals(102, wrapped[wrapped.length - 1]);
        assertArrayEquals(plain, Arrays.copyOfRange(wrapped, 1, wrapped.length - 1));
        assertArrayEquals(new int[] {101, 102}, t.encode("", true, false));
    }

    @Test
    void parseSpecialTurnsMarkerTextIntoTheToken() {
        assertArrayEquals(new int[] {101, 7592, 102}, t.encode("[CLS] hello[SEP]", false, true));
        int[] plain = t.encode("[CLS] hello[SEP]", false, false);
        assertTrue(IntStream.of(plain).noneMatch(id -> id == 101 || id == 102), Arrays.toString(plain));
    }

    @Test
    void caseAndAccentsAreNormalisedAway() {
        assertArrayEquals(t.encode("apfel hello creme"), t.encode("\u00c4pfel HELLO Cre\u0300me"));
        assertArrayEquals(t.encode("apfel"), t.encode("A\u0308pfel"), "a separate combining mark is dropped too");
    }

    @Test
    void punctuationAndCjkStandAlone() {
        assertArrayEquals(t.encode("hello , world !"), t.encode("hello,world!"));
        assertArrayEquals(t.encode("\u6211 \u60f3"), t.encode("\u6211\u60f3"));
    }

    @Test
    void aWordWithoutCoverIsOneUnknownToken() {
        int[] ids = t.encode("hello \uD83E\uDD99\uD83E\uDD99x world");
        assertArrayEquals(new int[] {t.encode("hello")[0], 100, t.encode("world")[0]}, ids);
    }

    @Test
    void decodeJoinsWordsAndContinuations() {
        String text = "Hello, world! It's a tokenizer test.";
        assertEquals("hello, world! it's a tokenizer test.", t.decode(t.encode(text)));
        assertEquals("[CLS] hello world [SEP]", t.decode(t.encode("Hello world", true, false), true));
        assertEquals("hello world", t.decode(t.encode("Hello world", true, false)));
    }

    @Test
    void outOfRangeIdNamesTheId() {
        TokenizerException e = assertThrows(TokenizerException.class, () -> t.decode(new int[] {101, 30522}));
        assertTrue(e.getMessage().contains("30522"), e.getMessage());
    }
}
