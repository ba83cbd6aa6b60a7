package dev.basalt.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Cuts special-token text out of input before the tokenizer proper sees it, as llama.cpp's
 * {@code tokenizer_st_partition} does: longest tokens first; control and unknown tokens only when parsing special
 * text is asked for, user-defined tokens always; a token with the lstrip / rstrip attribute swallows the ASCII
 * whitespace beside it.
 */
public final class SpecialTokenSplitter {

    /** A piece of input: either raw text ({@code token == -1}) or one special token. */
    public record Fragment(String text, int token) {
        public boolean isToken() {
            return token >= 0;
        }
    }

    private final int[] specials;
    private final String[] texts;
    private final int[] attrs;

    public SpecialTokenSplitter(Vocabulary vocab) {
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < vocab.size(); id++) {
            if (TokenAttr.isSpecial(vocab.attr(id)) && !vocab.token(id).isEmpty()) {
                ids.add(id);
            }
        }
        // Longest first, so that "<|im_start|>" is not cut by a shorter token it contains; stable for equal lengths.
        ids.sort(Comparator.comparingInt((Integer id) -> -vocab.token(id).getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
        specials = ids.stream().mapToInt(Integer::intValue).toArray();
        texts = new String[specials.length];
        attrs = new int[specials.length];
        for (int i = 0; i < specials.length; i++) {
            texts[i] = vocab.token(specials[i]);
            attrs[i] = vocab.attr(specials[i]);
        }
    }

    public List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (!text.isEmpty()) {
            fragments.add(new Fragment(text, -1));
        }
        for (int s = 0; s < specials.length; s++) {
            if (!parseSpecial && (attrs[s] & (TokenAttr.CONTROL | TokenAttr.UNKNOWN)) != 0) {
                continue;
            }
            String special = texts[s];
            List<Fragment> next = new ArrayList<>(fragments.size() + 4);
            for (Fragment f : fragments) {
                if (f.isToken() || !f.text().contains(special)) {
                    next.add(f);
                    continue;
                }
                String raw = f.text();
                int from = 0;
                while (from < raw.length()) {
                    int at = raw.indexOf(special, from);
                    if (at < 0) {
                        next.add(new Fragment(raw.substring(from), -1));
                        break;
                    }
                    int leftEnd = at;
                    if ((attrs[s] & TokenAttr.LSTRIP) != 0) {
                        while (leftEnd > from && isAsciiSpace(raw.charAt(leftEnd - 1))) {
                            leftEnd--;
                        }
                    }
                    if (leftEnd > from) {
                        next.add(new Fragment(raw.substring(from, leftEnd), -1));
                    }
                    next.add(new Fragment(special, specials[s]));
                    from = at + special.length();
                    if ((attrs[s] & TokenAttr.RSTRIP) != 0) {
                        while (from < raw.length() && isAsciiSpace(raw.charAt(from))) {
                            from++;
                        }
                    }
                }
            }
            fragments = next;
        }
        return fragments;
    }

    /** C's isspace in the "C" locale. */
    private static boolean isAsciiSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }
}
