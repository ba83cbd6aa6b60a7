package dev.basalt.tokenizer.template;

/**
 * A failure inside a value operation (filter, method, operator) that does not know where in the template it
 * happened; the interpreter turns it into a {@link TemplateException} at the innermost expression it was
 * evaluating.
 */
final class RenderError extends RuntimeException {
    final TemplateException.Kind kind;

    RenderError(TemplateException.Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    static RenderError type(String message) {
        return new RenderError(TemplateException.Kind.TYPE, message);
    }
}
