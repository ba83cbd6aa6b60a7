package dev.basalt.tokenizer.template;

/**
 * A chat template could not be compiled or rendered. {@link #getMessage()} names the template, the line and the
 * column; {@link #reason()} is the bare cause, worded like Python's Jinja2 where Jinja2 would fail too: for
 * {@link Kind#RAISED} it is exactly the text the template passed to {@code raise_exception}, which is what a
 * chat client should be shown.
 */
public class TemplateException extends RuntimeException {
    /** What went wrong, after the exception class Jinja2 or Python would raise. */
    public enum Kind {
        /** The template text is malformed (Jinja2's {@code TemplateSyntaxError}/{@code TemplateAssertionError}). */
        SYNTAX,
        /** An undefined value was used where a value is needed ({@code UndefinedError}). */
        UNDEFINED,
        /** An operation on values of the wrong type ({@code TypeError}, {@code ValueError}). */
        TYPE,
        /** A refused operation, such as mutating a list ({@code SecurityError} of the immutable sandbox). */
        SECURITY,
        /** The template called {@code raise_exception(message)}. */
        RAISED,
        /** A render limit (output size, loop iterations, call depth) was exceeded. */
        LIMIT
    }

    private final Kind kind;
    private final String templateName;
    private final int line;
    private final int column;
    private final String reason;

    public TemplateException(Kind kind, String templateName, int line, int column, String reason) {
        super(templateName + ":" + line + ":" + column + ": " + reason);
        this.kind = kind;
        this.templateName = templateName;
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    public Kind kind() {
        return kind;
    }

    public String templateName() {
        return templateName;
    }

    /** 1-based line of the construct that failed. */
    public int line() {
        return line;
    }

    /** 1-based column of the construct that failed. */
    public int column() {
        return column;
    }

    /** The cause without the location. */
    public String reason() {
        return reason;
    }
}
