package dev.basalt.tokenizer.template;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The interpreter's pieces one at a time: whitespace control, loops, assignments, expressions, Python value
 * printing, string and dict methods, filters, tests, macros, undefined values. Each expected string is what Python's
 * Jinja2 3.1.6 renders for the same source in Hugging Face's environment ({@code ImmutableSandboxedEnvironment},
 * {@code trim_blocks}, {@code lstrip_blocks}, {@code loopcontrols}, HF's {@code tojson}, {@code strftime_now} at
 * 2024-07-26T12:00:00), run once and pasted here.
 */
class TemplateRenderingTest {
    static final Clock SUITE_INSTANT = Clock.fixed(LocalDateTime.parse("2024-07-26T12:00:00").toInstant(ZoneOffset.UTC),
            ZoneOffset.UTC);

    static Stream<Arguments> jinjaRenderings() {
        return Stream.of(
                Arguments.of("ws", "a\n  {% if true %}\n    x\n  {% endif %}\nb\n", "a\n    x\nb"),
                Arguments.of("ws2", "{{ 'a' }}  {% if true %}b{% endif %}\n  {{- 'c' -}}  \n d {#- c -#} e\n{# c #}\nf", "a  bcde\nf"),
                Arguments.of("ws3", "x {%+ if true %}y{% endif +%}\nz\n\n", "x y\nz\n"),
                Arguments.of("loop", "{% for x in 'abc' %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.previtem }}{{ loop.nextitem }}|{% endfor %}", "1032TrueFalse3b|2121FalseFalse3ac|3210FalseTrue3b|"),
                Arguments.of("loopfilter", "{% for x in range(10) if x is odd %}{{ x }}{{ loop.last }},{% else %}none{% endfor %}{% for x in [] %}{% else %}empty{% endfor %}", "1False,3False,5False,7False,9True,empty"),
                Arguments.of("unpack", "{% for k, v in {'a': 1, 'b': [2, 'x']}.items() %}{{ k }}={{ v }};{% endfor %}{% set a, b = 1, 2 %}{{ a + b }}", "a=1;b=[2, 'x'];3"),
                Arguments.of("ns", "{% set ns = namespace(n=0, s='') %}{% for i in range(4) %}{% set ns.n = ns.n + i %}{% set local = i %}{% endfor %}{{ ns.n }}{{ local is defined }}", "6False"),
                Arguments.of("breakcont", "{% for i in range(10) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 5 %}{% break %}{% endif %}{{ i }}{% endfor %}", "0134"),
                Arguments.of("expr", "{{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 2 ** 10 }} {{ 1 + 2 * 3 }} {{ 'a' ~ 1 ~ none }} {{ 'ab' * 3 }} {{ 1 < 2 < 3 }} {{ 'b' in 'abc' }} {{ 3 not in [1, 2] }} {{ 'x' if false }}|{{ 'y' if false else 'z' }} {{ not 1 == 2 }} {{ 1 == 1.0 }} {{ true == 1 }}", "3 -4 2 3.5 1024 7 a1None ababab True True True |z True True True"),
                Arguments.of("slices", "{{ 'hello'[::-1] }} {{ [1,2,3,4,5][1:4] }} {{ [1,2,3,4,5][-2:] }} {{ 'héllo😀'[-1] }} {{ 'héllo😀'|length }} {{ [1,2,3][::2] }} {{ (1,2)[1] }} {{ 'abc'[5] }}|", "olleh [2, 3, 4] [4, 5] 😀 6 [1, 3] 2 |"),
                Arguments.of("repr", "{{ [1, 'a', none, true, 2.5, {'k': \"it's\"}, (1,), 1e20, 0.0001, 1e-5, 100.0] }} {{ {'a': [1, 2]}|string }} {{ 'x\\ny\\t\\u200d' | pprint }}", "[1, 'a', None, True, 2.5, {'k': \"it's\"}, (1,), 1e+20, 0.0001, 1e-05, 100.0] {'a': [1, 2]} 'x\\ny\\t\\u200d'"),
                Arguments.of("strmethods", "{{ '  a b  '.strip() }}|{{ 'xxaxx'.strip('x') }}|{{ ' a'.lstrip() }}|{{ 'a '.rstrip() }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'a b c'.split(' ', 1) }}|{{ 'abc'.startswith('ab') }}{{ 'abc'.endswith(('x', 'c')) }}|{{ 'Ab'.upper() }}{{ 'Ab'.lower() }}|{{ 'aXa'.replace('a', 'b') }}|{{ 'hello world'.title() }}|{{ 'hELLO'.capitalize() }}|{{ 'abcabc'.find('c') }}|{{ 'a-b-c'.rsplit('-', 1) }}", "a b|a|a|a|['a', 'b', '', 'c']|['a', 'b']|['a', 'b c']|TrueTrue|ABab|bXb|Hello World|Hello|2|['a-b', 'c']"),
                Arguments.of("dictmethods", "{% set d = {'b': 1, 'a': 2} %}{{ d.keys()|list }} {{ d.values()|list }} {{ d.get('a') }} {{ d.get('z', 'dflt') }} {{ d.get('z') }} {{ d.items()|list }} {{ d|dictsort }} {{ d['a'] }} {{ d.a }} {{ d.missing }}|", "['b', 'a'] [1, 2] 2 dflt None [('b', 1), ('a', 2)] [('a', 2), ('b', 1)] 2 2 |"),
                Arguments.of("filters1", "{{ '  x  '|trim }}|{{ [1,2,3]|length }}|{{ {'a':1}|count }}|{{ [1,2]|join('-') }}|{{ 'abc'|upper }}|{{ 'ABC'|lower }}|{{ 'hello there'|capitalize }}|{{ 'hello there'|title }}|{{ 'aaa'|replace('a','b',2) }}|{{ x|default('d') }}|{{ ''|default('e', true) }}|{{ none|default('n') }}|{{ [3,1,2]|first }}{{ [3,1,2]|last }}|{{ 'ab'|list }}|{{ 42|string }}|{{ '12'|int + 1 }}|{{ 'x'|int(7) }}|{{ '2.5'|float }}|{{ -3|abs }}|{{ 2.567|round(2) }}|{{ 2.5|round }}|{{ 3|round }}", "x|3|1|1-2|ABC|abc|Hello there|Hello There|bba|d|e|None|32|['a', 'b']|42|13|7|2.5|3|2.57|2.0|3"),
                Arguments.of("filters2", "{{ [{'n':'a','t':1},{'n':'b','t':2},{'n':'c'}]|map(attribute='n')|join(',') }}|{{ ['a','b']|map('upper')|list }}|{{ [1,2,3,4]|select('odd')|list }}|{{ [1,2,3,4]|reject('odd')|list }}|{{ [{'r':'u'},{'r':'a'},{'r':'u'}]|selectattr('r','equalto','u')|list|length }}|{{ [{'r':'u'},{'x':1}]|selectattr('r','defined')|list }}|{{ [{'r':'u'},{'r':'a'}]|rejectattr('r','eq','u')|list }}|{{ [3,1,2]|sort }}|{{ ['b','A','a']|unique|list }}|{{ [1,2,3]|sum }}|{{ [3,1,2]|max }}{{ [3,1,2]|min }}|{{ [1,2]|reverse|list }}|{{ 'abc'|reverse }}|{{ {'b':1,'a':2}|items|list }}", "a,b,c|['A', 'B']|[1, 3]|[2, 4]|2|[{'r': 'u'}]|[{'r': 'a'}]|[1, 2, 3]|['b', 'A']|6|31|[2, 1]|cba|[('b', 1), ('a', 2)]"),
                Arguments.of("indent", "{{ 'a\\nb\\n\\nc'|indent(2) }}|{{ 'a\\nb'|indent(2, true) }}|{{ 'a\\n\\nb'|indent('> ', blank=true) }}|", "a\n  b\n\n  c|  a\n  b|a\n> \n> b|"),
                Arguments.of("tojson", "{{ {'a': [1, 2.5, none, true], 'é': 'ü\"\\n\\u2028'}|tojson }}|{{ [1, {'b': {}}, []]|tojson(indent=2) }}|{{ {'b': 1, 'a': 2}|tojson(sort_keys=true) }}|{{ 'é'|tojson(ensure_ascii=true) }}|{{ {'a': 1}|tojson(separators=(',', ':')) }}", "{\"a\": [1, 2.5, null, true], \"é\": \"ü\\\"\\n\u2028\"}|[\n  1,\n  {\n    \"b\": {}\n  },\n  []\n]|{\"a\": 2, \"b\": 1}|\"\\u00e9\"|{\"a\":1}"),
                Arguments.of("tests", "{{ x is defined }}{{ x is undefined }}{{ none is none }}{{ 1 is number }}{{ true is number }}{{ true is boolean }}{{ 1 is integer }}{{ 1.0 is float }}{{ 'a' is string }}{{ {} is mapping }}{{ [] is iterable }}{{ 'a' is iterable }}{{ {} is sequence }}{{ 3 is odd }}{{ 4 is even }}{{ 9 is divisibleby 3 }}{{ 'a' is in 'abc' }}{{ 1 is eq 1 }}{{ 'a' is lower }}{{ 'A' is upper }}{{ false is false }}{{ true is true }}{{ 2 is gt 1 }}{{ x is not defined }}", "FalseTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrue"),
                Arguments.of("macro", "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{{ varargs|length }}{% endmacro %}{{ greet('a') }} {{ greet('b', '?') }} {{ greet(punct='.', name='c') }} {{ greet('d', '!', 1, 2) }}", "Hi a!0 Hi b?0 Hi c.0 Hi d!2"),
                Arguments.of("macrorec", "{% macro fact(n) %}{% if n <= 1 %}1{% else %}{{ n }}*{{ fact(n - 1) }}{% endif %}{% endmacro %}{{ fact(4) }}", "4*3*2*1"),
                Arguments.of("callblock", "{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% call wrap('b') %}inner {{ 1 + 1 }}{% endcall %}", "<b>inner 2</b>"),
                Arguments.of("setblock", "{% set body %}\n  line {{ 1 }}\n{% endset %}[{{ body }}]{% filter upper %}shout{% endfilter %}", "[  line 1\n]SHOUT"),
                Arguments.of("undefined", "{{ x }}|{{ x|length }}|{{ x|list }}|{% for a in x %}no{% endfor %}|{{ x is defined }}|{{ none.attr }}|{{ {}['k'] }}|{{ [1][3] }}|", "|0|[]||False||||"),
                Arguments.of("strftime", "{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d %H:%M:%S %A %B %j %-d %p %y') }}", "26 Jul 2024|2024-07-26 12:00:00 Friday July 208 26 PM 24"),
                Arguments.of("with", "{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}{{ a is defined }}", "3False"),
                Arguments.of("recursive", "{% for n in [{'v': 1, 'c': [{'v': 2, 'c': []}, {'v': 3, 'c': [{'v': 4, 'c': []}]}]}] recursive %}{{ n.v }}@{{ loop.depth }}({{ loop(n.c) }}){% endfor %}", "1@1(2@2()3@2(4@3()))"),
                Arguments.of("cycle", "{% for i in range(5) %}{{ loop.cycle('a', 'b') }}{{ loop.changed(i // 2) }}{% endfor %}", "aTruebFalseaTruebFalseaTrue"),
                Arguments.of("raw", "{% raw %}{{ not rendered }}{% endraw %}|", "{{ not rendered }}|"),
                Arguments.of("markup", "{{ '<a>'|safe + '<b>' }}|{{ '<a>' ~ '<b>'|safe }}|{{ '<x>'|e }}|{% set m = 'q'|safe %}{{ m + '\"' }}", "<a>&lt;b&gt;|<a><b>|&lt;x&gt;|q&#34;"),
                Arguments.of("crlf", "a\r\n{% if true %}\r\nb\r\n{% endif %}\r\nc\r\n", "a\nb\nc"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jinjaRenderings")
    void rendersLikeJinja2(String name, String source, String expected) {
        ChatTemplate t = ChatTemplate.compile(source, name).withClock(SUITE_INSTANT);
        assertEquals(expected, t.render(Map.of()), name);
    }
}
