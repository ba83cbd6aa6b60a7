package dev.basalt.tokenizer.template;

import java.util.List;
import java.util.Map;

/** Something a template can call: a global such as {@code range}, a macro, a bound method. */
@FunctionalInterface
interface TemplateFunction {
    Object call(List<Object> positional, Map<String, Object> keywords);
}
