package dev.basalt.engine.grammar;

import java.util.Arrays;

/**
 * A compiled grammar over bytes: rules whose alternatives are sequences of byte-set terminals and rule
 * references, laid out in one array. Character classes are already lowered to UTF-8 byte sequences, so a matcher
 * can advance one byte at a time, also through a token that ends inside a multi-byte character. Immutable and
 * thread-safe; one grammar can constrain any number of generations.
 *
 * <p>Checked when compiled: every rule is defined, none is left-recursive (which would make matching loop), and
 * every rule the root reaches can complete.
 */
public final class Grammar {
    /** Ends each alternative in {@link #symbols}. */
    static final int END = Integer.MIN_VALUE;

    /**
     * Every alternative's symbols, each followed by {@link #END}: a rule id (>= 0), or a terminal
     * {@code -(t + 1)} whose byte set is {@code terminals[4t .. 4t+3]}.
     */
    final int[] symbols;
    /** For each rule, where its alternatives start in {@link #symbols}. */
    final int[][] alternatives;
    /** 256-bit byte sets, four longs per terminal. */
    final long[] terminals;
    final String[] ruleNames;
    final int root;
    private final String gbnf;

    Grammar(int[] symbols, int[][] alternatives, long[] terminals, String[] ruleNames, int root, String gbnf) {
        this.symbols = symbols;
        this.alternatives = alternatives;
        this.terminals = terminals;
        this.ruleNames = ruleNames;
        this.root = root;
        this.gbnf = gbnf;
    }

    /**
     * Compiles a grammar in llama.cpp's GBNF notation; generation starts with the rule {@code root}.
     *
     * @throws GrammarException for a syntax error (with line and column), an undefined or twice-defined rule,
     *     left recursion, or a rule that can never complete
     */
    public static Grammar parse(String gbnf) {
        return GrammarCompiler.compile(GbnfParser.parse(gbnf), gbnf);
    }

    /**
     * The grammar of the JSON documents valid against a JSON Schema (see {@link JsonSchemaGrammar} for what is
     * supported).
     *
     * @throws GrammarException for invalid JSON, an invalid schema, or a keyword that is not supported (named)
     */
    public static Grammar fromJsonSchema(String schema) {
        return parse(JsonSchemaGrammar.toGbnf(schema));
    }

    /** The grammar's text (for a JSON schema, the GBNF it was turned into). */
    public String gbnf() {
        return gbnf;
    }

    /** Whether {@code text} as a whole is a sentence of this grammar. */
    public boolean matches(String text) {
        GrammarAutomaton automaton = new GrammarAutomaton(this);
        int c = automaton.initial();
        for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            c = automaton.next(c, b & 0xFF);
            if (c == GrammarAutomaton.DEAD) {
                return false;
            }
        }
        return automaton.accepting(c);
    }

    static boolean isTerminal(int symbol) {
        return symbol < 0 && symbol != END;
    }

    static int terminalIndex(int symbol) {
        return -symbol - 1;
    }

    /** Whether terminal symbol {@code symbol} accepts {@code b} (0..255). */
    boolean accepts(int symbol, int b) {
        return (terminals[4 * terminalIndex(symbol) + (b >>> 6)] & (1L << b)) != 0;
    }

    @Override
    public String toString() {
        return "Grammar" + Arrays.toString(ruleNames);
    }
}
