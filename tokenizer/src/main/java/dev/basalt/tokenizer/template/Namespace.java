package dev.basalt.tokenizer.template;

import java.util.LinkedHashMap;
import java.util.Map;

/** The object {@code namespace(...)} returns: the one value {@code set ns.attr = ...} may change from any scope. */
final class Namespace {
    final Map<String, Object> attributes = new LinkedHashMap<>();

    @Override
    public String toString() {
        return "<Namespace " + Values.repr(attributes) + ">";
    }
}
