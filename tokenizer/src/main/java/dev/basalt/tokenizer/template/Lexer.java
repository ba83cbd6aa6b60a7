package dev.basalt.tokenizer.template;

import dev.basalt.tokenizer.template.Token.Kind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits template text into tokens the way Jinja2's lexer does with Hugging Face's settings: {@code trim_blocks}
 * (the newline after a block or comment tag is dropped), {@code lstrip_blocks} (spaces and tabs before a block or
 * comment tag that starts a line are dropped), {@code -}/{@code +} whitespace control on every delimiter, and
 * {@code keep_trailing_newline=False}. Newlines are normalised to {@code \n} first, as Jinja2 does.
 */
final class Lexer {
    private static final Pattern FLOAT = Pattern.compile(
            "(\\d+_)*\\d+((\\.(\\d+_)*\\d+)?[eE][+\\-]?(\\d+_)*\\d+|\\.(\\d+_)*\\d+)");
    private static final Pattern INTEGER = Pattern.compile("(\\d+_)*\\d+");
    private static final Pattern RAW_BEGIN = Pattern.compile("\\s*raw\\s*(-%\\}\\s*|%\\})");
    private static final Pattern RAW_END = Pattern.compile("\\{%([-+]?)\\s*endraw\\s*(\\+%\\}|-%\\}\\s*|%\\}\\n?)");
    private static final String[] OPERATORS = {"//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~", "[",
        "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";"};

    private final String name;
    private final String src;
    private final int[] lineStarts;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    /** Whether the text about to be read starts a line, which lets lstrip_blocks apply to it. */
    private boolean lineStarting = true;

    private Lexer(String source, String name) {
        this.name = name;
        this.src = normalizeNewlines(source);
        this.lineStarts = lineStarts(src);
    }

    static List<Token> tokenize(String source, String name) {
        Lexer lexer = new Lexer(source, name);
        lexer.run();
        return lexer.tokens;
    }

    /** {@code \r\n} and {@code \r} become {@code \n}; one trailing newline is dropped (keep_trailing_newline off). */
    static String normalizeNewlines(String source) {
        String s = source.replace("\r\n", "\n").replace('\r', '\n');
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    private void run() {
        while (pos < src.length()) {
            int start = nextTagStart(pos);
            if (start < 0) {
                emit(Kind.DATA, src.substring(pos), pos);
                break;
            }
            char type = src.charAt(start + 1);
            int after = start + 2;
            char sign = after < src.length() && (src.charAt(after) == '-' || src.charAt(after) == '+') ? src.charAt(after) : 0;
            String text = src.substring(pos, start);
            if (sign == '-') {
                text = PyStrings.rstrip(text, null);
            } else if (sign != '+' && type != '{') {
                text = lstripBlock(text);
            }
            if (!text.isEmpty()) {
                emit(Kind.DATA, text, pos);
            }
            pos = after + (sign != 0 ? 1 : 0);
            switch (type) {
                case '#' -> comment(start);
                case '{' -> tag(start, Kind.VARIABLE_BEGIN, Kind.VARIABLE_END);
                default -> {
                    Matcher raw = RAW_BEGIN.matcher(src).region(pos, src.length());
                    if (raw.lookingAt()) {
                        pos = raw.end();
                        raw(start);
                    } else {
                        tag(start, Kind.BLOCK_BEGIN, Kind.BLOCK_END);
                    }
                }
            }
        }
        emit(Kind.END, "", src.length());
    }

    private int nextTagStart(int from) {
        int i = src.indexOf('{', from);
        while (i >= 0 && i + 1 < src.length()) {
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
            i = src.indexOf('{', i + 1);
        }
        return -1;
    }

    /** lstrip_blocks: whitespace between the start of the line and a block or comment tag is dropped. */
    private String lstripBlock(String text) {
        int lineStart = text.lastIndexOf('\n') + 1;
        if ((lineStart > 0 || lineStarting) && lineStart < text.length()
                && PyStrings.isSpace(text.substring(lineStart))) {
            return text.substring(0, lineStart);
        }
        return text;
    }

    private void comment(int start) {
        int end = src.indexOf("#}", pos);
        if (end < 0) {
            throw error(start, "Missing end of comment tag");
        }
        char sign = end > pos ? src.charAt(end - 1) : 0;
        pos = end + 2;
        finishTag(sign == '-' ? '-' : sign == '+' ? '+' : 0, true);
    }

    /** After a closing delimiter: '-' eats all whitespace, trim_blocks eats one newline after blocks/comments. */
    private void finishTag(char sign, boolean trimBlock) {
        if (sign == '-') {
            while (pos < src.length() && PyStrings.isSpace(src.charAt(pos))) {
                pos++;
            }
        } else if (sign != '+' && trimBlock && pos < src.length() && src.charAt(pos) == '\n') {
            pos++;
        }
        lineStarting = pos > 0 && src.charAt(pos - 1) == '\n';
    }

    private void raw(int start) {
        Matcher end = RAW_END.matcher(src);
        if (!end.find(pos)) {
            throw error(start, "Missing end of raw directive");
        }
        String text = src.substring(pos, end.start());
        if (end.group(1).equals("-")) {
            text = PyStrings.rstrip(text, null);
        } else if (!end.group(1).equals("+")) {
            text = lstripBlock(text);
        }
        if (!text.isEmpty()) {
            emit(Kind.DATA, text, pos);
        }
        pos = end.end();
        lineStarting = src.charAt(pos - 1) == '\n';
    }

    private void tag(int start, Kind begin, Kind endKind) {
        emit(begin, src.substring(start, pos), start);
        Deque<Character> brackets = new ArrayDeque<>();
        String close = endKind == Kind.BLOCK_END ? "%}" : "}}";
        while (true) {
            while (pos < src.length() && PyStrings.isSpace(src.charAt(pos))) {
                pos++;
            }
            if (pos >= src.length()) {
                throw error(pos, "unexpected end of template, expected '" + close + "'");
            }
            if (brackets.isEmpty()) {
                char sign = src.charAt(pos);
                if ((sign == '-' || sign == '+') && src.startsWith(close, pos + 1)) {
                    emit(endKind, src.substring(pos, pos + 3), pos);
                    pos += 3;
                    finishTag(sign, endKind == Kind.BLOCK_END);
                    return;
                }
                if (src.startsWith(close, pos)) {
                    emit(endKind, close, pos);
                    pos += 2;
                    finishTag((char) 0, endKind == Kind.BLOCK_END);
                    return;
                }
            }
            expressionToken(brackets);
        }
    }

    private void expressionToken(Deque<Character> brackets) {
        char c = src.charAt(pos);
        int start = pos;
        if (c == '\'' || c == '"') {
            emit(Kind.STRING, string(c), start);
            return;
        }
        if (c >= '0' && c <= '9') {
            Matcher f = FLOAT.matcher(src).region(pos, src.length());
            if (f.lookingAt()) {
                pos = f.end();
                emit(Kind.FLOAT, src.substring(start, pos).replace("_", ""), start);
            } else {
                Matcher i = INTEGER.matcher(src).region(pos, src.length());
                i.lookingAt();
                pos = i.end();
                emit(Kind.INTEGER, src.substring(start, pos).replace("_", ""), start);
            }
            return;
        }
        if (c == '_' || Character.isLetter(c)) {
            while (pos < src.length() && (src.charAt(pos) == '_' || Character.isLetterOrDigit(src.charAt(pos)))) {
                pos++;
            }
            emit(Kind.NAME, src.substring(start, pos), start);
            return;
        }
        for (String op : OPERATORS) {
            if (src.startsWith(op, pos)) {
                balance(brackets, op.charAt(0), start);
                pos += op.length();
                emit(Kind.OPERATOR, op, start);
                return;
            }
        }
        throw error(start, "unexpected char '" + Character.toString(src.codePointAt(pos)) + "'");
    }

    private void balance(Deque<Character> brackets, char c, int at) {
        switch (c) {
            case '(' -> brackets.push(')');
            case '[' -> brackets.push(']');
            case '{' -> brackets.push('}');
            case ')', ']', '}' -> {
                if (brackets.isEmpty()) {
                    throw error(at, "unexpected '" + c + "'");
                }
                char expected = brackets.pop();
                if (expected != c) {
                    throw error(at, "unexpected '" + c + "', expected '" + expected + "'");
                }
            }
            default -> {
            }
        }
    }

    /** A quoted string with Python's escape sequences decoded. */
    private String string(char quote) {
        int start = pos;
        StringBuilder sb = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= src.length()) {
                throw error(start, "unexpected end of string literal");
            }
            char c = src.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c != '\\' || pos >= src.length()) {
                sb.append(c);
                continue;
            }
            char e = src.charAt(pos++);
            switch (e) {
                case '\n' -> {
                }
                case '\\', '\'', '"' -> sb.append(e);
                case 'a' -> sb.append('\u0007');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'v' -> sb.append('\u000b');
                case 'x' -> sb.appendCodePoint(hexEscape(2, start));
                case 'u' -> sb.appendCodePoint(hexEscape(4, start));
                case 'U' -> sb.appendCodePoint(hexEscape(8, start));
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        for (int k = 0; k < 2 && pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '7'; k++) {
                            v = v * 8 + src.charAt(pos++) - '0';
                        }
                        sb.append((char) v);
                    } else {
                        sb.append('\\').append(e); // Python keeps unknown escapes as written
                    }
                }
            }
        }
    }

    private int hexEscape(int digits, int stringStart) {
        if (pos + digits > src.length()) {
            throw error(stringStart, "truncated \\x/\\u escape in string literal");
        }
        try {
            int v = Integer.parseInt(src.substring(pos, pos + digits), 16);
            if (v > Character.MAX_CODE_POINT) {
                throw error(stringStart, "illegal Unicode character in string literal");
            }
            pos += digits;
            return v;
        } catch (IllegalArgumentException e) {
            throw error(stringStart, "malformed \\x/\\u escape in string literal");
        }
    }

    private void emit(Kind kind, String text, int offset) {
        int line = line(offset);
        tokens.add(new Token(kind, text, line, offset - lineStarts[line - 1] + 1));
    }

    private int line(int offset) {
        int i = Arrays.binarySearch(lineStarts, offset);
        return i >= 0 ? i + 1 : -i - 1;
    }

    private TemplateException error(int offset, String message) {
        int line = line(offset);
        return new TemplateException(TemplateException.Kind.SYNTAX, name, line, offset - lineStarts[line - 1] + 1, message);
    }

    private static int[] lineStarts(String s) {
        int[] starts = new int[16];
        int n = 0;
        starts[n++] = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                if (n == starts.length) {
                    starts = Arrays.copyOf(starts, n * 2);
                }
                starts[n++] = i + 1;
            }
        }
        return Arrays.copyOf(starts, n);
    }
}
