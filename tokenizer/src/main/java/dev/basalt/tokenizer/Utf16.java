package dev.basalt.tokenizer;

/** Repairs of Java strings before tokenizing. */
final class Utf16 {
    private Utf16() {
    }

    /**
     * {@code text} with every unpaired surrogate replaced by U+FFFD, the character a UTF-8 decoder gives for it.
     * A lone surrogate has no UTF-8 form (Java would silently encode it as '?'), so the tokenizers encode
     * U+FFFD instead: documented, visible, and never an exception.
     */
    static String replaceLoneSurrogates(String text) {
        char[] chars = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                if (chars == null) {
                    chars = text.toCharArray();
                }
                chars[i] = '\uFFFD';
            }
        }
        return chars == null ? text : new String(chars);
    }
}
