package dev.basalt.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Pre-tokenizes text exactly as llama.cpp's {@code unicode_regex_split} does: each regex of a list splits every
 * piece left by the previous ones, matches and the text between them becoming pieces of their own.
 *
 * <p>llama.cpp's regex engine (C++ {@code std::regex}) knows no Unicode classes, so it runs each regex that uses
 * {@code \p{..}} on a "collapsed" copy of the text: ASCII stays as it is, every other code point becomes one
 * marker for its category (letter, number, punctuation, mark, symbol, other), non-ASCII whitespace becomes
 * {@code \v}, and the regex's {@code \p{L}} becomes "letter marker or ASCII letter" and so on. Subcategories
 * ({@code \p{Lu}}, {@code \p{Ll}}...) all mean "letter" there. Regexes without {@code \p{..}} run on the code
 * points themselves, with non-ASCII whitespace again as {@code \v}; {@code \s} is ASCII whitespace. This class
 * does the same with java.util.regex, so that results equal llama.cpp's rather than those of a Unicode-aware
 * engine (the two differ, e.g. for {@code \p{Lu}} outside ASCII). llama.cpp's hand-written splitters for the
 * GPT-2, Llama 3 and Qwen2 regexes give the same pieces as the regexes themselves on this representation.
 */
public final class LlamaRegexSplitter {
    private static final char OTHER = '\uE0D0';
    private static final char NUMBER = '\uE0D1';
    private static final char LETTER = '\uE0D2';
    private static final char PUNCTUATION = '\uE0D3';
    private static final char MARK = '\uE0D4';
    private static final char SYMBOL = '\uE0D5';

    /** One regex: compiled for the collapsed text, or for the plain code points. */
    private record Step(Pattern pattern, boolean collapsed) {
    }

    private final List<Step> steps;

    /** @param regexes in llama.cpp's syntax, applied in order */
    public LlamaRegexSplitter(List<String> regexes) {
        steps = new ArrayList<>(regexes.size());
        for (String regex : regexes) {
            boolean collapsed = usesCategories(regex);
            steps.add(new Step(Pattern.compile(collapsed ? collapseRegex(avoidGroupRepetition(regex)) : regex), collapsed));
        }
    }

    /** Appends the pieces of {@code text} to {@code words}. */
    public void split(String text, List<String> words) {
        if (text.isEmpty()) {
            return;
        }
        int[] cps = text.codePoints().toArray();
        int[] charAt = new int[cps.length + 1]; // code point index -> index in text
        for (int i = 0, c = 0; i < cps.length; i++) {
            charAt[i] = c;
            c += Character.charCount(cps[i]);
        }
        charAt[cps.length] = text.length();

        String collapsed = null;
        String plain = null;
        int[] plainCpOf = null; // index in plain -> code point index
        IntList spans = new IntList();
        spans.add(0);
        spans.add(cps.length);
        for (Step step : steps) {
            if (step.collapsed) {
                if (collapsed == null) {
                    collapsed = collapse(cps);
                }
                spans = PatternSplitter.split(collapsed, spans, step.pattern, PatternSplitter.Behavior.ISOLATED, false);
            } else {
                if (plain == null) {
                    plain = withAsciiWhitespace(text);
                    plainCpOf = new int[plain.length() + 1];
                    for (int i = 0; i < cps.length; i++) {
                        plainCpOf[charAt[i]] = i;
                    }
                    plainCpOf[plain.length()] = cps.length;
                }
                IntList charSpans = new IntList(spans.size());
                for (int i = 0; i < spans.size(); i++) {
                    charSpans.add(charAt[spans.get(i)]);
                }
                IntList split = PatternSplitter.split(plain, charSpans, step.pattern, PatternSplitter.Behavior.ISOLATED, false);
                spans = new IntList(split.size());
                for (int i = 0; i < split.size(); i++) {
                    spans.add(plainCpOf[split.get(i)]);
                }
            }
        }
        for (int i = 0; i < spans.size(); i += 2) {
            words.add(text.substring(charAt[spans.get(i)], charAt[spans.get(i + 1)]));
        }
    }

    private static boolean usesCategories(String regex) {
        return regex.matches("(?s).*\\\\p\\{(N|L|P|M|S|Lu|Ll|Lt|Lm|Lo)}.*");
    }

    /**
     * llama.cpp writes "a letter that is not a-z" as {@code ((?=[\p{L}])([^a-z]))}; java.util.regex recurses once
     * per repetition of a group, which overflows the stack on long words, so the equivalent class intersection
     * is used instead.
     */
    private static String avoidGroupRepetition(String regex) {
        return regex.replace("((?=[\\p{L}])([^a-z]))", "[\\p{L}&&[^a-z]]")
                .replace("((?=[\\p{L}])([^A-Z]))", "[\\p{L}&&[^A-Z]]");
    }

    /** Rewrites {@code \p{X}} as the marker of category X plus the ASCII characters of X. */
    static String collapseRegex(String regex) {
        StringBuilder out = new StringBuilder(regex.length() + 64);
        int depth = 0; // nesting of [...] classes
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                int close = regex.indexOf('}', i);
                if (regex.charAt(i + 1) == 'p' && i + 2 < regex.length() && regex.charAt(i + 2) == '{' && close > 0) {
                    String members = categoryMembers(regex.substring(i + 3, close));
                    out.append(depth > 0 ? members : "[" + members + "]");
                    i = close;
                } else {
                    out.append(c).append(regex.charAt(++i));
                }
                continue;
            }
            if (c == '[') {
                depth++;
            } else if (c == ']' && depth > 0) {
                depth--;
            }
            out.append(c);
        }
        return out.toString();
    }

    /** The collapsed-text members of a category, in class syntax (llama.cpp's k_ucat_map). */
    private static String categoryMembers(String category) {
        return switch (category) {
            case "N" -> NUMBER + "0-9";
            case "L", "Lu", "Ll", "Lt", "Lm", "Lo" -> LETTER + "A-Za-z";
            case "P" -> PUNCTUATION + "!-#%-*,-/:;?@\\[-\\]_\\{\\}";
            case "M" -> String.valueOf(MARK);
            case "S" -> SYMBOL + "\\$\\+<=>\\^`\\|~";
            default -> throw new IllegalArgumentException("unsupported category \\p{" + category + "}");
        };
    }

    /** One char per code point: ASCII as is, others their category marker, non-ASCII whitespace {@code \v}. */
    private static String collapse(int[] cps) {
        char[] out = new char[cps.length];
        for (int i = 0; i < cps.length; i++) {
            int cp = cps[i];
            out[i] = cp < 128 ? (char) cp : isWhitespace(cp) ? '\u000B' : marker(cp);
        }
        return new String(out);
    }

    private static String withAsciiWhitespace(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 128 && isWhitespace(c)) {
                if (out == null) {
                    out = new StringBuilder(text);
                }
                out.setCharAt(i, '\u000B');
            }
        }
        return out == null ? text : out.toString();
    }

    private static char marker(int cp) {
        return switch (Character.getType(cp)) {
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> PUNCTUATION;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> MARK;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> SYMBOL;
            default -> OTHER;
        };
    }

    /** Unicode's White_Space property (llama.cpp's unicode_set_whitespace). */
    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }
}
