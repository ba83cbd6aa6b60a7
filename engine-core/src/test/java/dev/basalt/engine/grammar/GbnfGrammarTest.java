package dev.basalt.engine.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each GBNF construct with strings it must accept and strings it must reject, checked whole and byte by byte: an
 * accepted string keeps every prefix alive; a rejected one either dies at the byte the test names or ends
 * incomplete.
 */
class GbnfGrammarTest {

    /** Asserts acceptance whole and that every prefix (byte by byte) stays alive. */
    static void accepts(Grammar g, String... texts) {
        for (String text : texts) {
            assertTrue(g.matches(text), () -> "should accept " + quote(text) + " with\n" + g.gbnf());
            GrammarAutomaton a = new GrammarAutomaton(g);
            int c = a.initial();
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < bytes.length; i++) {
                c = a.next(c, bytes[i] & 0xFF);
                assertNotEquals(GrammarAutomaton.DEAD, c, "prefix of " + bytes.length + " bytes died at byte " + i);
            }
            assertTrue(a.accepting(c));
        }
    }

    /** Asserts rejection whole, and byte by byte that the text dies at byte {@code deadAt} (-1: ends incomplete). */
    static void rejects(Grammar g, String text, int deadAt) {
        assertFalse(g.matches(text), () -> "should reject " + quote(text));
        GrammarAutomaton a = new GrammarAutomaton(g);
        int c = a.initial();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            c = a.next(c, bytes[i] & 0xFF);
            if (c == GrammarAutomaton.DEAD) {
                assertEquals(deadAt, i, "died at byte " + i + " of " + quote(text));
                return;
            }
        }
        assertEquals(-1, deadAt, quote(text) + " stayed alive to the end");
        assertFalse(a.accepting(c));
    }

    private static String quote(String s) {
        return "\"" + s.replace("\n", "\\n") + "\"";
    }

    @Test
    void literalsAndSequences() {
        Grammar g = Grammar.parse("root ::= \"ab\" \"c\"");
        accepts(g, "abc");
        rejects(g, "abd", 2);
        rejects(g, "ab", -1);
        rejects(g, "abcc", 3);
        rejects(g, "", -1);
    }

    @Test
    void literalEscapes() {
        Grammar g = Grammar.parse("root ::= \"q\\\"\\\\\\n\\t\\x41\\u00e9\\U0001F600\"");
        accepts(g, "q\"\\\n\tAé😀");
        rejects(g, "q\"\\\n\tAe", 6);
    }

    @Test
    void alternationAndGrouping() {
        Grammar g = Grammar.parse("root ::= (\"a\" | \"bc\") \"d\" | \"x\"");
        accepts(g, "ad", "bcd", "x");
        rejects(g, "bd", 1);
        rejects(g, "xd", 1);
        rejects(g, "a", -1);
    }

    @Test
    void alternativesMayContinueOnTheNextLineAndRulesMaySpanGroups() {
        Grammar g = Grammar.parse("""
                root ::= "a"
                       | "b" (
                           "c" |
                           "d"
                         )
                """);
        accepts(g, "a", "bc", "bd");
        rejects(g, "b", -1);
    }

    @Test
    void repetitions() {
        Grammar star = Grammar.parse("root ::= \"a\"* \"b\"");
        accepts(star, "b", "ab", "aaaab");
        rejects(star, "aac", 2);
        Grammar plus = Grammar.parse("root ::= [0-9]+");
        accepts(plus, "0", "123456789");
        rejects(plus, "", -1);
        rejects(plus, "12a", 2);
        Grammar optional = Grammar.parse("root ::= \"-\"? \"1\"");
        accepts(optional, "1", "-1");
        rejects(optional, "--1", 1);
    }

    @Test
    void boundedRepetitions() {
        Grammar exactly = Grammar.parse("root ::= \"ab\"{3}");
        accepts(exactly, "ababab");
        rejects(exactly, "abab", -1);
        rejects(exactly, "abababa", 6);
        Grammar range = Grammar.parse("root ::= [a-z]{2,4}");
        accepts(range, "ab", "abc", "abcd");
        rejects(range, "a", -1);
        rejects(range, "abcde", 4);
        Grammar atLeast = Grammar.parse("root ::= \"x\"{2,}");
        accepts(atLeast, "xx", "xxxxxxxx");
        rejects(atLeast, "x", -1);
        Grammar atMost = Grammar.parse("root ::= \"x\"{,2} \"y\"");
        accepts(atMost, "y", "xy", "xxy");
        rejects(atMost, "xxxy", 2);
        Grammar group = Grammar.parse("root ::= (\"a\" | \"bb\"){1,2}");
        accepts(group, "a", "bb", "abb", "bba", "aa");
        rejects(group, "aaa", 2);
    }

    @Test
    void characterClasses() {
        Grammar g = Grammar.parse("root ::= [a-cX_]");
        accepts(g, "a", "b", "c", "X", "_");
        rejects(g, "d", 0);
        rejects(g, "Y", 0);
        Grammar negated = Grammar.parse("root ::= [^\"\\\\a-z]");
        accepts(negated, "A", "0", "é", "€", "😀");
        rejects(negated, "\"", 0);
        rejects(negated, "\\", 0);
        rejects(negated, "q", 0);
    }

    @Test
    void characterClassesAreUtf8Aware() {
        // U+00E9 is C3 A9; U+00E0..U+00FF share the lead byte C3 with U+00C0..U+00DF, which are outside.
        Grammar g = Grammar.parse("root ::= [à-ÿ]+");
        accepts(g, "é", "àÿ");
        rejects(g, "À", 1); // C3 80: the lead byte is fine, the second is not
        rejects(g, "e", 0);
        Grammar cjk = Grammar.parse("root ::= [一-龥]");
        accepts(cjk, "中");
        rejects(cjk, "é", 0);
    }

    @Test
    void anyCharacterIsOneWholeCodePoint() {
        Grammar g = Grammar.parse("root ::= . \"!\"");
        accepts(g, "a!", "é!", "😀!");
        rejects(g, "ab!", 1);
        // A lone continuation byte or an overlong encoding is no character.
        GrammarAutomaton a = new GrammarAutomaton(g);
        assertEquals(GrammarAutomaton.DEAD, a.next(a.initial(), 0x80));
        assertEquals(GrammarAutomaton.DEAD, a.next(a.initial(), 0xC0)); // C0 xx would be overlong
        assertEquals(GrammarAutomaton.DEAD, a.next(a.next(a.initial(), 0xED), 0xA0)); // a surrogate
    }

    @Test
    void ruleReferencesAndRecursion() {
        Grammar g = Grammar.parse("""
                root ::= list
                list ::= "[" (item ("," item)*)? "]"
                item ::= [0-9]+ | list   # nesting
                """);
        accepts(g, "[]", "[1]", "[1,[2,[]],3]", "[[[[]]]]");
        rejects(g, "[1,]", 3);
        rejects(g, "[[1]", -1);
        rejects(g, "[1]]", 3);
    }

    @Test
    void commentsAndBlankLines() {
        Grammar g = Grammar.parse("""
                # a comment first

                root ::= greeting # trailing comment
                # between rules
                greeting ::= "hi"
                """);
        accepts(g, "hi");
    }

    @Test
    void ambiguousGrammarsKeepEveryReading() {
        Grammar g = Grammar.parse("root ::= \"a\"* \"a\" \"b\" | \"a\" \"a\" \"c\"");
        accepts(g, "ab", "aaab", "aac");
        rejects(g, "aaac", 3);
    }

    @Test
    void syntaxErrorsGiveLineAndColumn() {
        GrammarException e = assertThrows(GrammarException.class, () -> Grammar.parse("root ::= \"a\"\nx ::= \"b"));
        assertEquals(2, e.line());
        assertEquals(7, e.column());
        assertTrue(e.getMessage().contains("unterminated string"), e.getMessage());

        e = assertThrows(GrammarException.class, () -> Grammar.parse("root ::= [a-"));
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("unterminated character class"), e.getMessage());

        e = assertThrows(GrammarException.class, () -> Grammar.parse("root = \"a\""));
        assertEquals(1, e.line());
        assertEquals(6, e.column());
        assertTrue(e.getMessage().contains("'::='"), e.getMessage());

        e = assertThrows(GrammarException.class, () -> Grammar.parse("root ::= (\"a\" | \"b\"\n"));
        assertTrue(e.getMessage().contains("')'"), e.getMessage());

        e = assertThrows(GrammarException.class, () -> Grammar.parse("root ::= \"a\"{3,1}"));
        assertTrue(e.getMessage().contains("below the minimum"), e.getMessage());

        e = assertThrows(GrammarException.class, () -> Grammar.parse("root ::= \"\\q\""));
        assertTrue(e.getMessage().contains("unknown escape"), e.getMessage());

        e = assertThrows(GrammarException.class, () -> Grammar.parse("root ::= [z-a]"));
        assertTrue(e.getMessage().contains("backwards"), e.getMessage());

        e = assertThrows(GrammarException.class, () -> Grammar.parse("root ::= * \"a\""));
        assertTrue(e.getMessage().contains("repeats nothing"), e.getMessage());
    }

    @Test
    void undefinedRuleIsNamedWhereItIsUsed() {
        GrammarException e = assertThrows(GrammarException.class, () -> Grammar.parse("root ::= \"a\"\n  | \"b\" value"));
        assertEquals(2, e.line());
        assertEquals(9, e.column());
        assertTrue(e.getMessage().contains("undefined rule 'value'"), e.getMessage());
    }

    @Test
    void missingRootAndDuplicateRules() {
        assertTrue(assertThrows(GrammarException.class, () -> Grammar.parse("start ::= \"a\""))
                .getMessage().contains("no rule 'root'"));
        assertTrue(assertThrows(GrammarException.class, () -> Grammar.parse(""))
                .getMessage().contains("empty"));
        GrammarException e = assertThrows(GrammarException.class, () -> Grammar.parse("root ::= \"a\"\nroot ::= \"b\""));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("defined twice"), e.getMessage());
    }

    @Test
    void leftRecursionIsRejectedWithTheCycle() {
        GrammarException direct = assertThrows(GrammarException.class,
                () -> Grammar.parse("root ::= expr\nexpr ::= expr \"+\" term | term\nterm ::= [0-9]"));
        assertTrue(direct.getMessage().contains("left recursion: expr -> expr"), direct.getMessage());
        assertEquals(2, direct.line());

        GrammarException indirect = assertThrows(GrammarException.class,
                () -> Grammar.parse("root ::= a\na ::= b \"x\"\nb ::= \"\"? a | \"y\""));
        assertTrue(indirect.getMessage().contains("left recursion: a -> b -> a"), indirect.getMessage());

        GrammarException nullableRepeat = assertThrows(GrammarException.class, () -> Grammar.parse("root ::= (\"a\"?)*"));
        assertTrue(nullableRepeat.getMessage().contains("left recursion"), nullableRepeat.getMessage());
    }

    @Test
    void grammarsThatCanNeverCompleteAreRejected() {
        GrammarException e = assertThrows(GrammarException.class, () -> Grammar.parse("root ::= \"a\" root"));
        assertTrue(e.getMessage().contains("rule 'root' can never complete"), e.getMessage());
        GrammarException empty = assertThrows(GrammarException.class, () -> Grammar.parse("root ::= [^\\x00-\\U0010FFFF]"));
        assertTrue(empty.getMessage().contains("can never complete"), empty.getMessage());
        // An unused rule that cannot complete does no harm.
        accepts(Grammar.parse("root ::= \"a\"\nloop ::= \"b\" loop"), "a");
    }

    @Test
    void anyJsonValue() {
        Grammar g = Grammar.fromJsonSchema("{}");
        accepts(g, "{}", "{\"a\": [1, 2.5e3, true, null, \"x\\u00e9\"]}", "{\"nested\": {\"k\": {}}}", "[1]", "-0.5",
                "\"\\\"\"");
        rejects(g, "{\"a\" 1}", 5);
        rejects(g, "[1,]", 3);
        rejects(g, "01", 1);
        rejects(g, "\"a\nb\"", 2); // a raw line feed inside a string
    }

    @Test
    void integerRanges() {
        for (long[] range : List.of(new long[] {12, 345}, new long[] {0, 9}, new long[] {-15, 7}, new long[] {-300, -20},
                new long[] {99, 1000}, new long[] {5, 5})) {
            Grammar g = Grammar.parse("root ::= " + IntegerRangeGbnf.of(range[0], range[1]));
            for (long v = range[0] - 30; v <= range[1] + 30; v++) {
                assertEquals(v >= range[0] && v <= range[1], g.matches(Long.toString(v)),
                        v + " in [" + range[0] + ", " + range[1] + "]");
            }
            assertFalse(g.matches("0" + range[1]), "no leading zeros");
        }
        Grammar atLeast = Grammar.parse("root ::= " + IntegerRangeGbnf.of(-5L, null));
        accepts(atLeast, "-5", "0", "7", "123456789");
        rejects(atLeast, "-6", 1);
    }
}
