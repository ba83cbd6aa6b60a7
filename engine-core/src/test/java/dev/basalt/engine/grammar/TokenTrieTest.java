package dev.basalt.engine.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.engine.TokenMask;
import dev.basalt.tensor.TestData;
import dev.basalt.tokenizer.TokenAttr;
import dev.basalt.tokenizer.Tokenizer;
import dev.basalt.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The trie walk against brute force on Llama 3's vocabulary (128k tokens): after a prefix, the allowed set is
 * exactly the tokens whose bytes, appended one by one, keep the automaton alive (special tokens only as the end,
 * when the grammar is complete).
 */
@Tag("testdata")
class TokenTrieTest {
    static Tokenizer tokenizer;
    static TokenTrie trie;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = Tokenizers.load(TestData.path("tokenizers", "llama3"));
        trie = TokenTrie.of(tokenizer);
    }

    @Test
    void allowedTokensAreExactlyThoseBruteForceFinds() {
        Grammar g = Grammar.fromJsonSchema("""
                {"type": "object", "properties": {"name": {"type": "string", "maxLength": 12},
                 "tags": {"type": "array", "items": {"enum": ["a", "b é"]}, "maxItems": 3},
                 "count": {"type": "integer", "minimum": 0, "maximum": 250}}, "required": ["name"]}""");
        int eos = tokenizer.vocabulary().special().eos();
        for (String prefix : new String[] {"", "{\"", "{\"name\": \"Bo", "{\"name\": \"Bob\", \"tags\": [\"b ",
                "{\"name\": \"\", \"count\": 2", "{\"name\": \"\"}"}) {
            GrammarMatcher matcher = new GrammarMatcher(g, trie, Set.of(eos));
            for (int id : tokenizer.encode(prefix)) {
                matcher.accept(id);
            }
            TokenMask mask = new TokenMask(tokenizer.vocabulary().size());
            matcher.allowedTokens(mask);
            byte[] before = prefix.getBytes(StandardCharsets.UTF_8);
            int allowed = 0;
            for (int i = 0; i < tokenizer.vocabulary().size(); i++) {
                int id = i;
                boolean expected = id == eos ? g.matches(prefix) : aliveAfter(g, before, id);
                assertEquals(expected, mask.contains(id), () -> "token " + id + " '" + tokenizer.vocabulary().token(id)
                        + "' after '" + prefix + "'");
                allowed += expected ? 1 : 0;
            }
            assertTrue(allowed > 0);
        }
    }

    /** Whether prefix + the token's bytes is still a prefix of some sentence (computed without the trie). */
    private static boolean aliveAfter(Grammar g, byte[] prefix, int id) {
        if ((tokenizer.vocabulary().attr(id) & (TokenAttr.CONTROL | TokenAttr.UNKNOWN | TokenAttr.UNUSED)) != 0) {
            return false;
        }
        byte[] piece = tokenizer.pieceBytes(id, false);
        if (piece.length == 0) {
            return false;
        }
        GrammarAutomaton a = new GrammarAutomaton(g);
        int c = a.initial();
        for (byte b : prefix) {
            c = a.next(c, b & 0xFF);
        }
        for (byte b : piece) {
            c = a.next(c, b & 0xFF);
            if (c == GrammarAutomaton.DEAD) {
                return false;
            }
        }
        return true;
    }

    @Test
    void specialTokensAreNotInTheTrie() {
        int eot = tokenizer.vocabulary().id("<|eot_id|>");
        assertTrue(eot > 0);
        assertEquals(null, trie.tokenBytes[eot]);
        GrammarMatcher m = new GrammarMatcher(Grammar.parse("root ::= \"<|eot_id|>\""), trie, Set.of());
        TokenMask mask = new TokenMask(tokenizer.vocabulary().size());
        m.allowedTokens(mask);
        assertFalse(mask.contains(eot)); // the text is allowed, spelled with ordinary tokens; the control token is not
        assertTrue(mask.contains(tokenizer.encode("<")[0]));
    }
}
