package dev.basalt.engine.grammar;

/**
 * A grammar or JSON schema that cannot be used: a syntax error (with its line and column), an undefined rule,
 * left recursion, a rule that can never complete, or an unsupported schema keyword.
 */
public final class GrammarException extends IllegalArgumentException {
    private final int line;
    private final int column;

    /** An error at a place in the grammar text (line and column from 1). */
    public GrammarException(String message, int line, int column) {
        super("line " + line + ", column " + column + ": " + message);
        this.line = line;
        this.column = column;
    }

    /** An error about the grammar (or schema) as a whole. */
    public GrammarException(String message) {
        super(message);
        this.line = 0;
        this.column = 0;
    }

    /** The line of the error, from 1; 0 when it concerns no single place. */
    public int line() {
        return line;
    }

    /** The column of the error, from 1 (in characters); 0 when it concerns no single place. */
    public int column() {
        return column;
    }
}
