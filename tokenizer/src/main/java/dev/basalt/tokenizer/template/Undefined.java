package dev.basalt.tokenizer.template;

/**
 * Jinja2's default {@code Undefined}: a missing variable, attribute or item. It prints as "", is false, has length
 * 0 and iterates as empty; any other use (arithmetic, attribute access, calling it) fails with the message Jinja2
 * would give. A refused attribute of the sandbox ({@code list.append}) is an undefined that fails as a
 * {@link TemplateException.Kind#SECURITY} error.
 */
final class Undefined {
    private static final Object NO_OWNER = new Object();

    private final Object owner;
    private final Object name;
    private final String hint;
    private final TemplateException.Kind kind;

    private Undefined(Object owner, Object name, String hint, TemplateException.Kind kind) {
        this.owner = owner;
        this.name = name;
        this.hint = hint;
        this.kind = kind;
    }

    /** A variable that is not defined. */
    static Undefined variable(String name) {
        return new Undefined(NO_OWNER, name, null, TemplateException.Kind.UNDEFINED);
    }

    /** A missing attribute or item {@code name} of {@code owner}. */
    static Undefined member(Object owner, Object name) {
        return new Undefined(owner, name, null, TemplateException.Kind.UNDEFINED);
    }

    static Undefined withHint(String hint) {
        return new Undefined(NO_OWNER, null, hint, TemplateException.Kind.UNDEFINED);
    }

    /** An attribute the immutable sandbox refuses, such as a list's {@code append}. */
    static Undefined unsafe(Object owner, String attribute) {
        return new Undefined(owner, attribute, "access to attribute '" + attribute + "' of '" + Values.typeName(owner)
                + "' object is unsafe.", TemplateException.Kind.SECURITY);
    }

    String message() {
        if (hint != null) {
            return hint;
        }
        if (owner == NO_OWNER) {
            return Values.repr(name) + " is undefined";
        }
        String ownerType = owner == null ? "None" : Values.typeName(owner) + " object";
        if (!(name instanceof String)) {
            return ownerType + " has no element " + Values.repr(name);
        }
        return "'" + ownerType + "' has no attribute " + Values.repr(name);
    }

    /** The error for using this value where a real one is needed. */
    RenderError error() {
        return new RenderError(kind, message());
    }

    @Override
    public String toString() {
        return "";
    }
}
