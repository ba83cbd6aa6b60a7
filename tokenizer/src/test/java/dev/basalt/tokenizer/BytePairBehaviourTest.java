package dev.basalt.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Behaviour of the byte-level tokenizers (GGUF and tokenizer.json) on the shared test vocabularies. */
@Tag("testdata")
class BytePairBehaviourTest {
    static final List<String> GGUF_BPE = List.of("llama-bpe", "qwen2", "deepseek-llm", "deepseek-coder", "falcon",
            "gpt-2", "mpt", "starcoder", "refact", "command-r");
    static final List<String> HF = List.of("llama3", "qwen3", "gemma3");
    static final List<String> ALL = java.util.stream.Stream.concat(GGUF_BPE.stream().map(n -> "gguf:" + n),
            HF.stream().map(n -> "json:" + n)).toList();

    private static final Map<String, Tokenizer> LOADED = new ConcurrentHashMap<>();

    /** "gguf:NAME" is a test vocabulary, "json:NAME" a tokenizer.json; loaded once per test run. */
    static Tokenizer tokenizer(String spec) {
        return LOADED.computeIfAbsent(spec, s -> {
            try {
                String name = s.substring(5);
                return s.startsWith("gguf:") ? Tokenizers.load(VocabVectors.gguf(name))
                        : HuggingFaceTokenizer.load(HuggingFaceVectorsTest.tokenizerJson(name));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    static List<String> texts() {
        return VocabVectors.load("gpt-2").texts();
    }

    @ParameterizedTest
    @FieldSource("ALL")
    void decodeOfEncodeIsTheTextForEveryVectorText(String spec) {
        Tokenizer t = tokenizer(spec);
        for (String text : texts()) {
            assertEquals(text, t.decode(t.encode(text)), () -> spec + ": " + GgufVocabVectorsTest.escape(text));
        }
    }

    @Test
    void parseSpecialTurnsControlTextIntoItsTokenOnlyWhenAsked() {
        for (String spec : List.of("gguf:llama-bpe", "json:llama3")) {
            Tokenizer t = tokenizer(spec);
            int eot = t.vocabulary().id("<|eot_id|>");
            assertEquals(128009, eot);
            assertArrayEquals(new int[] {9906, eot}, t.encode("Hello<|eot_id|>", false, true), spec);
            int[] asText = t.encode("Hello<|eot_id|>", false, false);
            assertFalse(Arrays.stream(asText).anyMatch(id -> id == eot), spec);
            assertEquals("Hello<|eot_id|>", t.decode(asText), spec);
            assertEquals("Hello", t.decode(new int[] {9906, eot}), spec + ": control tokens are not rendered by default");
            assertEquals("Hello<|eot_id|>", t.decode(new int[] {9906, eot}, true), spec);
        }
        for (String spec : List.of("gguf:qwen2", "json:qwen3")) {
            Tokenizer t = tokenizer(spec);
            int imEnd = t.vocabulary().id("<|im_end|>");
            assertEquals(151645, imEnd);
            int[] parsed = t.encode("hi<|im_end|>\n", false, true);
            assertEquals(imEnd, parsed[1], spec);
            assertFalse(Arrays.stream(t.encode("hi<|im_end|>\n", false, false)).anyMatch(id -> id == imEnd), spec);
        }
    }

    @Test
    void qwen3UserDefinedThinkTokenIsAlwaysMatched() {
        Tokenizer t = tokenizer("json:qwen3");
        int think = t.vocabulary().id("<think>");
        assertTrue(t.vocabulary().is(think, TokenAttr.USER_DEFINED));
        assertEquals(think, t.encode("<think>x", false, false)[0]);
        assertEquals("<think>x", t.decode(t.encode("<think>x")));
    }

    @Test
    void addSpecialAddsBosWhereTheVocabularyAsks() {
        assertEquals(128000, tokenizer("gguf:llama-bpe").encode("Hello", true, false)[0]);
        assertEquals(128000, tokenizer("json:llama3").encode("Hello", true, false)[0]);
        assertArrayEquals(tokenizer("json:qwen3").encode("Hello"), tokenizer("json:qwen3").encode("Hello", true, false),
                "Qwen3's config says add_bos_token false");
        assertArrayEquals(new int[] {9906}, tokenizer("gguf:llama-bpe").encode("Hello", false, false));
        SpecialTokens llama3 = tokenizer("json:llama3").vocabulary().special();
        assertEquals(128001, llama3.eos());
        assertTrue(llama3.isEndOfGeneration(128009), "<|eot_id|> ends a turn");
    }

    @Test
    void streamingDetokenizerHoldsBackPartialCharacters() {
        String text = "日本語のテキスト 🙂👍🏽 naïve café – 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓";
        for (String spec : List.of("gguf:llama-bpe", "gguf:gpt-2", "json:qwen3", "json:gemma3")) {
            Tokenizer t = tokenizer(spec);
            int[] ids = t.encode(text);
            StreamingDetokenizer d = new StreamingDetokenizer(t, false);
            StringBuilder out = new StringBuilder();
            boolean heldBack = false;
            for (int id : ids) {
                String piece = d.push(id);
                heldBack |= piece.isEmpty();
                assertFalse(piece.contains("\uFFFD"), () -> spec + ": U+FFFD in a piece of valid text");
                out.append(piece);
            }
            out.append(d.flush());
            assertEquals(text, out.toString(), spec);
            if (spec.equals("gguf:gpt-2")) {
                assertTrue(heldBack, "GPT-2 splits some of these characters across tokens");
            }
        }
    }

    @Test
    void loneSurrogateIsEncodedAsReplacementCharacter() {
        for (String spec : List.of("gguf:llama-bpe", "json:qwen3", "json:gemma3")) {
            Tokenizer t = tokenizer(spec);
            assertArrayEquals(t.encode("a\uFFFDb"), t.encode("a\uD800b"), spec);
            assertArrayEquals(t.encode("\uFFFD"), t.encode("\uDC00"), spec);
            assertEquals("a\uFFFDb", t.decode(t.encode("a\uD800b")), spec);
        }
    }

    @Test
    void decodeOfOutOfRangeIdNamesTheId() {
        for (String spec : List.of("gguf:gpt-2", "json:llama3")) {
            Tokenizer t = tokenizer(spec);
            int size = t.vocabulary().size();
            TokenizerException e = assertThrows(TokenizerException.class, () -> t.decode(new int[] {1, size}));
            assertTrue(e.getMessage().contains(String.valueOf(size)), e.getMessage());
            e = assertThrows(TokenizerException.class, () -> t.decode(new int[] {-5}));
            assertTrue(e.getMessage().contains("-5"), e.getMessage());
        }
    }

    @ParameterizedTest
    @FieldSource("ALL")
    void oneMegabyteOfMixedTextTokenizesWithoutHanging(String spec) {
        Tokenizer t = tokenizer(spec);
        StringBuilder sb = new StringBuilder();
        List<String> texts = texts();
        for (int i = 0; sb.length() < 1_000_000; i++) {
            sb.append(texts.get(i % texts.size())).append(i % 7 == 0 ? "\n" : " ");
        }
        String text = sb.toString();
        int[] ids = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            long t0 = System.nanoTime();
            int[] r = t.encode(text);
            System.out.printf("%s: %d chars -> %d tokens in %d ms%n", spec, text.length(), r.length, (System.nanoTime() - t0) / 1_000_000);
            return r;
        });
        assertEquals(text, t.decode(ids));
    }
}
