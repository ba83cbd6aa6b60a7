package dev.basalt.engine.grammar;

import java.util.List;

/** A GBNF grammar as written: rules whose bodies are alternatives of sequences of elements. */
interface GbnfSyntax {

    /** One element of a sequence. */
    sealed interface Element permits Literal, CharClass, AnyChar, RuleRef, Group, Repeat {}

    /** {@code "text"}: these UTF-8 bytes in order. */
    record Literal(byte[] bytes) implements Element {}

    /**
     * {@code [a-z_]} or {@code [^"\\]}: one code point in (or, negated, not in) the ranges.
     *
     * @param ranges inclusive code point pairs: first0, last0, first1, last1, ...
     */
    record CharClass(int[] ranges, boolean negated) implements Element {}

    /** {@code .}: any one code point. */
    record AnyChar() implements Element {}

    /** A reference to the rule {@code name}, where it is written (for "undefined rule" errors). */
    record RuleRef(String name, int line, int column) implements Element {}

    /** {@code ( a | b c )}. */
    record Group(List<List<Element>> alternatives) implements Element {}

    /** {@code x*}, {@code x+}, {@code x?}, {@code x{m,n}}; {@code max} is {@link #UNBOUNDED} for no upper bound. */
    record Repeat(Element element, int min, int max, int line, int column) implements Element {
        static final int UNBOUNDED = -1;
    }

    /** {@code name ::= alternatives}, where the name is written. */
    record Rule(String name, List<List<Element>> alternatives, int line, int column) {}
}
