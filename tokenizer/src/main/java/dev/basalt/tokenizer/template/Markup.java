package dev.basalt.tokenizer.template;

/**
 * MarkupSafe's {@code Markup}: text marked safe by {@code |safe} or {@code |escape}. Even with autoescape off,
 * Python's {@code markup + str} HTML-escapes the plain operand, and some templates depend on it
 * ({@code "..."|safe + obj|tojson} prints {@code &#34;}), so the interpreter keeps the mark through {@code +},
 * {@code set} and printing; everywhere else a markup value is used as its plain text.
 */
record Markup(String text) {
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;").replace("'", "&#39;");
    }

    /** Python's {@code a + b} where one side is markup: the plain string side is escaped; other types fail. */
    static Markup concat(Object left, Object right) {
        return new Markup(escaped(left, left, right) + escaped(right, left, right));
    }

    private static String escaped(Object v, Object left, Object right) {
        return switch (v) {
            case Markup m -> m.text();
            case String s -> escape(s);
            case Undefined u -> throw u.error();
            default -> throw RenderError.type("unsupported operand type(s) for +: '" + Values.typeName(left) + "' and '"
                    + Values.typeName(right) + "'");
        };
    }

    @Override
    public String toString() {
        return text;
    }
}
