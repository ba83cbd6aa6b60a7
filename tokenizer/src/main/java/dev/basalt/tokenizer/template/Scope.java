package dev.basalt.tokenizer.template;

import java.util.HashMap;
import java.util.Map;

/**
 * Variables of one Jinja2 scope: the template, a for loop, a macro call, a with block. Lookups walk outward;
 * assignments stay in the scope they are made in, which is why templates need {@code namespace()} to carry a
 * value out of a loop.
 */
final class Scope {
    static final Object MISSING = new Object();

    private final Scope parent;
    private final Map<String, Object> variables = new HashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    Object lookup(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Object v = s.variables.getOrDefault(name, MISSING);
            if (v != MISSING) {
                return v;
            }
        }
        return MISSING;
    }

    void set(String name, Object value) {
        variables.put(name, value);
    }
}
