package dev.basalt.tokenizer.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A hostile template fails quickly with a LIMIT error instead of hanging, exhausting memory or the stack. */
class RenderLimitsTest {
    private static final RenderLimits SMALL = new RenderLimits(10_000, 5_000, 20);

    private static TemplateException limitError(String source) {
        ChatTemplate t = ChatTemplate.compile(source, "evil").withLimits(SMALL);
        return assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(TemplateException.class, () -> t.render(Map.of())));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{% for i in range(100) %}{% for j in range(100) %}x{% endfor %}{% endfor %}", // 10 000 iterations
        "{% for i in range(1000000000) %}{% endfor %}", // the range itself is refused
        "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}", // doubling string
        "{{ 'x' * 100000 }}",
        "{% for i in range(2000) %}{{ '0123456789' }}{% endfor %}", // 20 000 characters of output
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", // unbounded recursion
        "{% macro f() %}{{ f() ~ f() }}{% endmacro %}{{ f() }}",
        "{% set ns = namespace(s='a') %}{% for i in range(30) %}{% set ns.s = ns.s.replace('a', 'aa') %}{% endfor %}",
    })
    void hostileTemplatesHitALimit(String source) {
        TemplateException e = limitError(source);
        assertEquals(TemplateException.Kind.LIMIT, e.kind(), e.getMessage());
    }

    @Test
    void deepNestingIsASyntaxErrorNotAStackOverflow() {
        TemplateException e = assertThrows(TemplateException.class, () -> ChatTemplate.compile("{{ " + "(".repeat(5000) + "1" + ")".repeat(5000) + " }}", "deep"));
        assertEquals(TemplateException.Kind.SYNTAX, e.kind());
        assertTrue(e.reason().contains("nesting deeper than"), e.reason());
        String ifs = "{% if true %}".repeat(3000) + "x" + "{% endif %}".repeat(3000);
        assertEquals(TemplateException.Kind.SYNTAX, assertThrows(TemplateException.class, () -> ChatTemplate.compile(ifs, "ifs")).kind());
    }

    @Test
    void limitsBelowTheRealWorkloadStillRenderIt() {
        ChatTemplate t = ChatTemplate.compile("{% for i in range(100) %}{{ i }}{% endfor %}", "ok").withLimits(SMALL);
        assertEquals(190, t.render(Map.of()).length());
        assertThrows(IllegalArgumentException.class, () -> new RenderLimits(0, 1, 1));
    }
}
