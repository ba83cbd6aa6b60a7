package dev.basalt.tokenizer.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.basalt.tokenizer.template.TemplateException.Kind;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Compile and render errors: the kind, Jinja2's wording (the messages are those Python's Jinja2 3.1.6 raises for
 * the same sources), and the template name, line and column of the offending token.
 */
class TemplateErrorsTest {

    private static TemplateException compileError(String source) {
        return assertThrows(TemplateException.class, () -> ChatTemplate.compile(source, "t.jinja"));
    }

    private static TemplateException renderError(String source) {
        ChatTemplate t = ChatTemplate.compile(source, "t.jinja");
        return assertThrows(TemplateException.class, () -> t.render(Map.of()));
    }

    private static void assertAt(TemplateException e, Kind kind, int line, int column, String reason) {
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(reason, e.reason());
        assertEquals(line, e.line(), e.getMessage());
        assertEquals(column, e.column(), e.getMessage());
        assertEquals("t.jinja:" + line + ":" + column + ": " + reason, e.getMessage());
    }

    @Test
    void unknownFilterIsNamedWithItsPosition() {
        assertAt(compileError("line1\n{{ x|nosuch }}"), Kind.SYNTAX, 2, 6, "No filter named 'nosuch'.");
    }

    @Test
    void unknownNamesInsideAnIfFailOnlyWhenEvaluatedAsInJinja2() {
        ChatTemplate t = ChatTemplate.compile("{% if x is nosuch %}{{ y|nosuch2 }}{% endif %}{{ 'a' if false else z|nosuch3 }}", "t.jinja");
        assertAt(assertThrows(TemplateException.class, () -> t.render(Map.of())), Kind.SYNTAX, 1, 12, "No test named 'nosuch'.");
        assertEquals("", ChatTemplate.compile("{% if false %}{{ y|nosuch }}{% endif %}", "t").render(Map.of()));
    }

    @Test
    void unclosedBlockNamesWhatWasExpected() {
        assertAt(compileError("{% for x in y %}\nabc"), Kind.SYNTAX, 2, 4, "Unexpected end of template. Jinja was looking for the"
                + " following tags: 'else' or 'endfor'. The innermost block that needs to be closed is 'for'.");
    }

    @Test
    void unknownTagInsideABlock() {
        assertAt(compileError("{% if x %}\n{% frobnicate %}{% endif %}"), Kind.SYNTAX, 2, 4, "Encountered unknown tag 'frobnicate'."
                + " Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'.");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{{ 1 + }}|1|8|unexpected 'end of print statement'",
        "{{ x|1|5|unexpected end of template, expected '}}'",
        "ab\\n {# x |2|2|Missing end of comment tag",
        "{{ 'abc }}|1|4|unexpected end of string literal",
        "{% set 1 = x %}|1|8|can't assign to '1'",
        "{% break %}|1|4|'break' outside of a loop",
        "{{ (1 }}|1|7|unexpected '}', expected ')'",
        "{{ x ? }}|1|6|unexpected char '?'",
    })
    void syntaxErrors(String source, int line, int column, String reason) {
        assertAt(compileError(source.replace("\\n", "\n")), Kind.SYNTAX, line, column, reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{{ 'a' + [1] }}|TYPE|1|8|can only concatenate str (not \"list\") to str",
        "{{ x.y }}|UNDEFINED|1|6|'x' is undefined",
        "{{ x + 1 }}|UNDEFINED|1|6|'x' is undefined",
        "{% for a in none %}{% endfor %}|TYPE|1|13|'NoneType' object is not iterable",
        "{% set l = [] %}\\n{% set _ = l.append(1) %}|SECURITY|2|14|access to attribute 'append' of 'list' object is unsafe.",
        "{{ [1].startswith('a') }}|UNDEFINED|1|8|'list object' has no attribute 'startswith'",
        "{{ 1 < 'a' }}|TYPE|1|4|'<' not supported between instances of 'int' and 'str'",
        "{% set d = {} %}{% set d.x = 1 %}|TYPE|1|20|cannot assign attribute on non-namespace object",
        "{% for a, b in [[1, 2, 3]] %}{% endfor %}|TYPE|1|4|too many values to unpack (expected 2)",
        "{{ 1 / 0 }}|TYPE|1|6|division by zero",
    })
    void renderErrorsUseJinjasWords(String source, Kind kind, int line, int column, String reason) {
        assertAt(renderError(source.replace("\\n", "\n")), kind, line, column, reason);
    }

    @Test
    void raiseExceptionCarriesTheTemplatesOwnMessage() {
        TemplateException e = renderError("{% if true %}\n  {{ raise_exception('Bad role: ' ~ 'x') }}{% endif %}");
        assertAt(e, Kind.RAISED, 2, 6, "Bad role: x");
    }
}
