package dev.basalt.tokenizer.template;

import java.util.List;
import java.util.Map;

/**
 * A macro defined by {@code {% macro %}} (or the body of a {@code {% call %}} block, bound as {@code caller}):
 * calling it renders its body in a fresh scope whose parent is the scope it was defined in, and returns the text.
 */
record Macro(String name, List<String> parameters, List<Expression> defaults, List<Statement> body, Scope closure,
        Interpreter interpreter) implements TemplateFunction {
    @Override
    public Object call(List<Object> positional, Map<String, Object> keywords) {
        return interpreter.callMacro(this, positional, keywords);
    }

    @Override
    public String toString() {
        return "<Macro '" + name + "'>";
    }
}
