package dev.basalt.tokenizer.template;

/**
 * One lexical token: literal text between tags, a tag delimiter, or a piece of an expression inside a tag.
 *
 * @param text for {@link Kind#DATA} the text to output, for {@link Kind#STRING} the decoded string value,
 *     otherwise the token as written
 */
record Token(Kind kind, String text, int line, int column) {
    enum Kind { DATA, VARIABLE_BEGIN, VARIABLE_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INTEGER, FLOAT, OPERATOR, END }

    boolean is(Kind k, String t) {
        return kind == k && text.equals(t);
    }

    boolean isOperator(String op) {
        return is(Kind.OPERATOR, op);
    }

    boolean isName(String name) {
        return is(Kind.NAME, name);
    }

    /** How an error message shows this token, quoted like Jinja2's. */
    String describe() {
        return "'" + (kind == Kind.NAME || kind == Kind.OPERATOR || kind == Kind.INTEGER || kind == Kind.FLOAT ? text : describe(kind)) + "'";
    }

    /** How an error message names a kind of token. */
    static String describe(Kind kind) {
        return switch (kind) {
            case END -> "end of template";
            case BLOCK_END -> "end of statement block";
            case VARIABLE_END -> "end of print statement";
            case BLOCK_BEGIN -> "begin of statement block";
            case VARIABLE_BEGIN -> "begin of print statement";
            case NAME -> "name";
            default -> kind.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
