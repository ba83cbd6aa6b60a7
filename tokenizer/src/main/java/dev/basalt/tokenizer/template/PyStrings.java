package dev.basalt.tokenizer.template;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code str} semantics where they differ from Java's: whitespace is Python's {@code str.isspace()},
 * lengths and indices count code points, and {@code repr()} quotes and escapes like CPython.
 */
final class PyStrings {
    private PyStrings() {
    }

    static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
    }

    /** Python's {@code s.isspace()}: non-empty and all whitespace. */
    static boolean isSpace(String s) {
        if (s.isEmpty()) {
            return false;
        }
        return s.codePoints().allMatch(PyStrings::isSpace);
    }

    private static boolean stripped(int c, String chars) {
        return chars == null ? isSpace(c) : chars.indexOf(c) >= 0 || (Character.isSupplementaryCodePoint(c)
                && chars.contains(Character.toString(c)));
    }

    static String strip(String s, String chars) {
        return lstrip(rstrip(s, chars), chars);
    }

    static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length() && stripped(s.codePointAt(i), chars)) {
            i += Character.charCount(s.codePointAt(i));
        }
        return s.substring(i);
    }

    static String rstrip(String s, String chars) {
        int end = s.length();
        while (end > 0 && stripped(s.codePointBefore(end), chars)) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(0, end);
    }

    /** Python's {@code s.split(sep, maxsplit)}; a null separator splits on runs of whitespace. */
    static List<Object> split(String s, String sep, long maxSplit) {
        List<Object> parts = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && isSpace(s.codePointAt(i))) {
                    i += Character.charCount(s.codePointAt(i));
                }
                if (i >= n) {
                    return parts;
                }
                if (maxSplit >= 0 && parts.size() >= maxSplit) {
                    parts.add(rstrip(s.substring(i), null));
                    return parts;
                }
                int start = i;
                while (i < n && !isSpace(s.codePointAt(i))) {
                    i += Character.charCount(s.codePointAt(i));
                }
                parts.add(s.substring(start, i));
            }
        }
        if (sep.isEmpty()) {
            throw RenderError.type("empty separator");
        }
        int from = 0;
        while (maxSplit < 0 || parts.size() < maxSplit) {
            int at = s.indexOf(sep, from);
            if (at < 0) {
                break;
            }
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    /** Python's {@code s.rsplit(sep, maxsplit)}. */
    static List<Object> rsplit(String s, String sep, long maxSplit) {
        if (maxSplit < 0) {
            return split(s, sep, -1);
        }
        List<Object> parts = new ArrayList<>();
        if (sep == null) {
            int end = s.length();
            while (true) {
                while (end > 0 && isSpace(s.codePointBefore(end))) {
                    end -= Character.charCount(s.codePointBefore(end));
                }
                if (end == 0) {
                    break;
                }
                if (parts.size() >= maxSplit) {
                    parts.add(lstrip(s.substring(0, end), null));
                    break;
                }
                int stop = end;
                while (end > 0 && !isSpace(s.codePointBefore(end))) {
                    end -= Character.charCount(s.codePointBefore(end));
                }
                parts.add(s.substring(end, stop));
            }
        } else {
            if (sep.isEmpty()) {
                throw RenderError.type("empty separator");
            }
            int end = s.length();
            while (parts.size() < maxSplit) {
                int at = s.lastIndexOf(sep, end - sep.length());
                if (at < 0) {
                    break;
                }
                parts.add(s.substring(at + sep.length(), end));
                end = at;
            }
            parts.add(s.substring(0, end));
        }
        java.util.Collections.reverse(parts);
        return parts;
    }

    /** Python's {@code s.splitlines()}: every Unicode line boundary, {@code \r\n} as one. */
    static List<String> splitlines(String s) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            boolean boundary = c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || (c >= 0x1c && c <= 0x1e) || c == 0x85
                    || c == 0x2028 || c == 0x2029;
            if (!boundary) {
                i++;
                continue;
            }
            lines.add(s.substring(start, i));
            i += c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n' ? 2 : 1;
            start = i;
        }
        if (start < s.length()) {
            lines.add(s.substring(start));
        }
        return lines;
    }

    static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /** The code points of {@code s} as one-character strings, which is how Python iterates a string. */
    static List<Object> characters(String s) {
        List<Object> out = new ArrayList<>();
        s.codePoints().forEach(c -> out.add(Character.toString(c)));
        return out;
    }

    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        return Character.toString(Character.toTitleCase(first)) + s.substring(Character.charCount(first)).toLowerCase(java.util.Locale.ROOT);
    }

    /** Jinja2's {@code title} filter: each word (after whitespace, '-', or brackets) capitalised. */
    static String title(String s) {
        StringBuilder sb = new StringBuilder();
        boolean wordStart = true;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            boolean separator = isSpace(c) || "-[](){}".indexOf(c) >= 0;
            if (separator) {
                sb.appendCodePoint(c);
                wordStart = true;
            } else {
                sb.appendCodePoint(wordStart ? Character.toTitleCase(c) : Character.toLowerCase(c));
                wordStart = false;
            }
        }
        return sb.toString();
    }

    /** CPython's {@code repr(str)}: single quotes unless the text holds ' and no ", escapes for unprintables. */
    static String repr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder(s.length() + 2).append(quote);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c == quote || c == '\\') {
                sb.append('\\').appendCodePoint(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (isPrintable(c)) {
                sb.appendCodePoint(c);
            } else if (c < 0x100) {
                sb.append(String.format("\\x%02x", c));
            } else if (c < 0x10000) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.append(String.format("\\U%08x", c));
            }
        }
        return sb.append(quote).toString();
    }

    /** Python's {@code str.isprintable()} for one character: not a control, format, separator or unassigned one. */
    private static boolean isPrintable(int c) {
        if (c == ' ') {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                 Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }

    /** Code-point index of {@code sub} in {@code s} from a code-point start, or -1. */
    static long find(String s, String sub) {
        int at = s.indexOf(sub);
        return at < 0 ? -1 : s.codePointCount(0, at);
    }
}
