package dev.basalt.engine.grammar;

import dev.basalt.engine.grammar.GbnfSyntax.AnyChar;
import dev.basalt.engine.grammar.GbnfSyntax.CharClass;
import dev.basalt.engine.grammar.GbnfSyntax.Element;
import dev.basalt.engine.grammar.GbnfSyntax.Group;
import dev.basalt.engine.grammar.GbnfSyntax.Literal;
import dev.basalt.engine.grammar.GbnfSyntax.Repeat;
import dev.basalt.engine.grammar.GbnfSyntax.Rule;
import dev.basalt.engine.grammar.GbnfSyntax.RuleRef;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads llama.cpp's GBNF notation: {@code name ::= body} rules; in a body, alternatives separated by {@code |},
 * string literals, character classes ({@code [a-z]}, {@code [^"]}), {@code .}, rule names, parenthesized groups,
 * and the repetitions {@code * + ? {m} {m,} {m,n} {,n}}; {@code #} comments. A rule ends at the end of its line
 * unless a group is still open or the next line goes on with {@code |}.
 */
final class GbnfParser {
    private final String text;
    private int pos;

    private GbnfParser(String text) {
        this.text = text;
    }

    static List<Rule> parse(String text) {
        return new GbnfParser(text).rules();
    }

    private List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        skipSpace(true);
        while (pos < text.length()) {
            int start = pos;
            String name = name();
            skipSpace(false);
            expect("::=", "'::=' after the rule name " + name);
            skipSpace(true);
            List<List<Element>> body = alternatives(false);
            rules.add(new Rule(name, body, line(start), column(start)));
            if (pos < text.length() && text.charAt(pos) != '\n' && text.charAt(pos) != '\r') {
                throw error("unexpected " + describe(pos) + " (a rule ends at the end of its line)", pos);
            }
            skipSpace(true);
        }
        return rules;
    }

    private List<List<Element>> alternatives(boolean nested) {
        List<List<Element>> alternatives = new ArrayList<>();
        alternatives.add(sequence(nested));
        while (true) {
            int save = pos;
            if (!nested) {
                skipSpace(true); // an alternative may start on the next line with '|'
            }
            if (pos < text.length() && text.charAt(pos) == '|') {
                pos++;
                skipSpace(true);
                alternatives.add(sequence(nested));
            } else {
                pos = save;
                return alternatives;
            }
        }
    }

    private List<Element> sequence(boolean nested) {
        List<Element> elements = new ArrayList<>();
        while (pos < text.length()) {
            char c = text.charAt(pos);
            int start = pos;
            Element e;
            if (c == '"') {
                e = literal();
            } else if (c == '[') {
                e = charClass();
            } else if (c == '.') {
                pos++;
                e = new AnyChar();
            } else if (c == '(') {
                pos++;
                skipSpace(true);
                e = new Group(alternatives(true));
                skipSpace(true);
                expect(")", "')' to close the group opened at line " + line(start) + ", column " + column(start));
            } else if (isNameChar(c)) {
                String name = name();
                e = new RuleRef(name, line(start), column(start));
            } else if (c == '*' || c == '+' || c == '?' || c == '{') {
                throw error("'" + c + "' repeats nothing", pos);
            } else {
                break;
            }
            skipSpace(nested);
            e = repetitions(e);
            elements.add(e);
        }
        return elements;
    }

    private Element repetitions(Element e) {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            int start = pos;
            int min;
            int max;
            if (c == '*') {
                pos++;
                min = 0;
                max = Repeat.UNBOUNDED;
            } else if (c == '+') {
                pos++;
                min = 1;
                max = Repeat.UNBOUNDED;
            } else if (c == '?') {
                pos++;
                min = 0;
                max = 1;
            } else if (c == '{') {
                pos++;
                skipSpace(true);
                min = isDigit() ? number() : 0;
                skipSpace(true);
                if (pos < text.length() && text.charAt(pos) == ',') {
                    pos++;
                    skipSpace(true);
                    max = isDigit() ? number() : Repeat.UNBOUNDED;
                } else {
                    if (!isDigit(start + 1)) {
                        throw error("expected a count in '{m,n}'", pos);
                    }
                    max = min;
                }
                skipSpace(true);
                expect("}", "'}' to close the repetition");
                if (max != Repeat.UNBOUNDED && max < min) {
                    throw error("repetition {" + min + "," + max + "}: the maximum is below the minimum", start);
                }
            } else {
                return e;
            }
            e = new Repeat(e, min, max, line(start), column(start));
            skipSpace(false);
        }
        return e;
    }

    private boolean isDigit() {
        return isDigit(pos);
    }

    private boolean isDigit(int at) {
        return at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9';
    }

    private int number() {
        int start = pos;
        while (isDigit()) {
            pos++;
        }
        if (pos - start > 6) {
            throw error("repetition count " + text.substring(start, pos) + " is too large (at most 999999)", start);
        }
        return Integer.parseInt(text.substring(start, pos));
    }

    private Literal literal() {
        int start = pos;
        pos++; // opening quote
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (true) {
            if (pos >= text.length() || text.charAt(pos) == '\n') {
                throw error("unterminated string literal", start);
            }
            if (text.charAt(pos) == '"') {
                pos++;
                return new Literal(bytes.toByteArray());
            }
            appendUtf8(bytes, character());
        }
    }

    private CharClass charClass() {
        int start = pos;
        pos++; // '['
        boolean negated = pos < text.length() && text.charAt(pos) == '^';
        if (negated) {
            pos++;
        }
        List<Integer> ranges = new ArrayList<>();
        while (true) {
            if (pos >= text.length() || text.charAt(pos) == '\n') {
                throw error("unterminated character class", start);
            }
            if (text.charAt(pos) == ']') {
                pos++;
                break;
            }
            int rangeStart = pos;
            int first = character();
            int last = first;
            if (pos + 1 < text.length() && text.charAt(pos) == '-' && text.charAt(pos + 1) != ']') {
                pos++;
                last = character();
                if (last < first) {
                    throw error("range " + text.substring(rangeStart, pos) + " goes backwards", rangeStart);
                }
            }
            ranges.add(first);
            ranges.add(last);
        }
        return new CharClass(ranges.stream().mapToInt(Integer::intValue).toArray(), negated);
    }

    /** One code point of a literal or class, with its escape resolved. */
    private int character() {
        int c = text.codePointAt(pos);
        if (c != '\\') {
            pos += Character.charCount(c);
            return c;
        }
        int start = pos;
        pos++;
        if (pos >= text.length()) {
            throw error("'\\' at the end of the grammar", start);
        }
        char e = text.charAt(pos++);
        return switch (e) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case '0' -> 0;
            case '\\', '"', '[', ']', '-', '^', '/', '.', '|', '(', ')', '*', '+', '?', '{', '}' -> e;
            case 'x' -> hex(2, start);
            case 'u' -> hex(4, start);
            case 'U' -> hex(8, start);
            default -> throw error("unknown escape '\\" + e + "'", start);
        };
    }

    private int hex(int digits, int start) {
        if (pos + digits > text.length()) {
            throw error("expected " + digits + " hexadecimal digits after '" + text.substring(start, pos) + "'", start);
        }
        String h = text.substring(pos, pos + digits);
        int value;
        try {
            value = Integer.parseUnsignedInt(h, 16);
        } catch (NumberFormatException ex) {
            throw error("expected " + digits + " hexadecimal digits, got '" + h + "'", start);
        }
        if (value > Character.MAX_CODE_POINT || (value >= 0xD800 && value <= 0xDFFF)) {
            throw error("'" + text.substring(start, pos + digits) + "' is not a Unicode scalar value", start);
        }
        pos += digits;
        return value;
    }

    private String name() {
        int start = pos;
        while (pos < text.length() && isNameChar(text.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw error("expected a rule name, got " + describe(pos), pos);
        }
        return text.substring(start, pos);
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /** Skips blanks and comments; line ends too when {@code newlines}. */
    private void skipSpace(boolean newlines) {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || (newlines && (c == '\n' || c == '\r'))) {
                pos++;
            } else if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private void expect(String token, String what) {
        if (!text.startsWith(token, pos)) {
            throw error("expected " + what + ", got " + describe(pos), pos);
        }
        pos += token.length();
    }

    private String describe(int at) {
        if (at >= text.length()) {
            return "the end of the grammar";
        }
        char c = text.charAt(at);
        return c == '\n' || c == '\r' ? "the end of the line" : "'" + Character.toString(text.codePointAt(at)) + "'";
    }

    private static void appendUtf8(ByteArrayOutputStream out, int codePoint) {
        out.writeBytes(Character.toString(codePoint).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private GrammarException error(String message, int at) {
        return new GrammarException(message, line(at), column(at));
    }

    private int line(int at) {
        int line = 1;
        for (int i = 0; i < at && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private int column(int at) {
        int lineStart = text.lastIndexOf('\n', at - 1) + 1;
        return text.codePointCount(lineStart, Math.min(at, text.length())) + 1;
    }
}
