package dev.basalt.tokenizer;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * BERT's text normalisation and word splitting as llama.cpp's WordPiece {@code preprocess} does it: whitespace
 * ends a word; NUL, U+FFFD and control characters (Unicode C* categories) vanish; with accent stripping every
 * character becomes the first character of its canonical decomposition and combining marks vanish; with lower
 * casing the simple Unicode lowercase mapping applies; punctuation, ASCII symbols and CJK ideographs stand as
 * words of their own.
 */
final class WordPieceSplitter {
    private final boolean lowercase;
    private final boolean stripAccents;

    WordPieceSplitter(boolean lowercase, boolean stripAccents) {
        this.lowercase = lowercase;
        this.stripAccents = stripAccents;
    }

    List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (stripAccents) {
                cp = firstOfDecomposition(cp);
            }
            if (isWhitespace(cp)) {
                finishWord(word, words);
                continue;
            }
            int type = Character.getType(cp);
            if (cp == 0 || cp == 0xFFFD || isControl(type) || stripAccents && isMark(type)) {
                continue;
            }
            // The split decision looks at the character before lower-casing, as llama.cpp does.
            boolean standsAlone = isPunctuation(type) || cp < 0x7F && isSymbol(type) || isCjkIdeograph(cp);
            if (lowercase) {
                cp = Character.toLowerCase(cp);
            }
            if (standsAlone) {
                finishWord(word, words);
                words.add(Character.toString(cp));
            } else {
                word.appendCodePoint(cp);
            }
        }
        finishWord(word, words);
        return words;
    }

    private static void finishWord(StringBuilder word, List<String> words) {
        if (!word.isEmpty()) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    /**
     * llama.cpp's "NFD" keeps one code point per input code point: the first of its canonical decomposition
     * ("é" → "e", a Hangul syllable → its leading consonant), so an accent inside a precomposed letter is dropped.
     */
    private static int firstOfDecomposition(int cp) {
        if (cp < 0xC0) {
            return cp; // nothing below À has a canonical decomposition
        }
        return Normalizer.normalize(Character.toString(cp), Normalizer.Form.NFD).codePointAt(0);
    }

    /** The Unicode White_Space property, the set llama.cpp's tables use. */
    private static boolean isWhitespace(int cp) {
        return cp >= 0x09 && cp <= 0x0D || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || cp >= 0x2000 && cp <= 0x200A || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    /** \p{C} as llama.cpp counts it: Cc, Cf, Co, Cs (unassigned code points are not control). */
    private static boolean isControl(int type) {
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
                || type == Character.SURROGATE;
    }

    /** \p{M}. */
    private static boolean isMark(int type) {
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK;
    }

    /** \p{P}. */
    private static boolean isPunctuation(int type) {
        return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    /** \p{S}. */
    private static boolean isSymbol(int type) {
        return type == Character.MATH_SYMBOL || type == Character.CURRENCY_SYMBOL
                || type == Character.MODIFIER_SYMBOL || type == Character.OTHER_SYMBOL;
    }

    /** The CJK blocks BERT splits per character (ranges as in Hugging Face's and llama.cpp's code). */
    private static boolean isCjkIdeograph(int cp) {
        return cp >= 0x4E00 && cp <= 0x9FFF || cp >= 0x3400 && cp <= 0x4DBF || cp >= 0x20000 && cp <= 0x2A6DF
                || cp >= 0x2A700 && cp <= 0x2B73F || cp >= 0x2B740 && cp <= 0x2B81F || cp >= 0x2B920 && cp <= 0x2CEAF
                || cp >= 0xF900 && cp <= 0xFAFF || cp >= 0x2F800 && cp <= 0x2FA1F;
    }
}
