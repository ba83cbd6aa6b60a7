package dev.basalt.tokenizer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits pieces of a text by the matches of a pattern, as Hugging Face's {@code Split} pre-tokenizer and
 * llama.cpp's {@code unicode_regex_split} do. Pieces are spans {@code [start, end)} of one string, kept as a
 * flat list of start/end pairs. The pattern never sees outside the piece it splits (opaque region bounds), so a
 * lookahead at the end of a piece behaves as at the end of the text, as in both references.
 */
public final class PatternSplitter {

    /** What becomes of a match (Hugging Face's {@code SplitDelimiterBehavior}). */
    public enum Behavior {
        /** The match is a piece of its own (llama.cpp always splits this way). */
        ISOLATED,
        /** The match is dropped. */
        REMOVED,
        /** The match joins the piece before it. */
        MERGED_WITH_PREVIOUS,
        /** The match joins the piece after it. */
        MERGED_WITH_NEXT,
        /** Consecutive matches form one piece. */
        CONTIGUOUS
    }

    private PatternSplitter() {
    }

    /**
     * @param text the string the spans index
     * @param spans start/end pairs of the pieces to split
     * @param invert split on what does not match instead
     * @return the new pieces as start/end pairs, in order, none empty
     */
    public static IntList split(CharSequence text, IntList spans, Pattern pattern, Behavior behavior, boolean invert) {
        IntList out = new IntList(spans.size() * 2);
        Matcher m = pattern.matcher(text);
        IntList parts = new IntList(); // start, end, isMatch triples of one piece
        for (int s = 0; s < spans.size(); s += 2) {
            int start = spans.get(s);
            int end = spans.get(s + 1);
            parts.clear();
            m.region(start, end);
            int previous = start;
            while (m.find()) {
                if (m.end() == m.start()) {
                    continue; // an empty match splits nothing
                }
                if (m.start() > previous) {
                    addPart(parts, previous, m.start(), invert);
                }
                addPart(parts, m.start(), m.end(), !invert);
                previous = m.end();
            }
            if (previous < end) {
                addPart(parts, previous, end, invert);
            }
            combine(parts, behavior, out);
        }
        return out;
    }

    private static void addPart(IntList parts, int start, int end, boolean isMatch) {
        parts.add(start);
        parts.add(end);
        parts.add(isMatch ? 1 : 0);
    }

    private static void combine(IntList parts, Behavior behavior, IntList out) {
        int n = parts.size() / 3;
        switch (behavior) {
            case ISOLATED -> {
                for (int i = 0; i < n; i++) {
                    emit(out, parts.get(3 * i), parts.get(3 * i + 1));
                }
            }
            case REMOVED -> {
                for (int i = 0; i < n; i++) {
                    if (parts.get(3 * i + 2) == 0) {
                        emit(out, parts.get(3 * i), parts.get(3 * i + 1));
                    }
                }
            }
            case MERGED_WITH_PREVIOUS, CONTIGUOUS -> {
                boolean previousMatch = false;
                int first = out.size();
                for (int i = 0; i < n; i++) {
                    boolean match = parts.get(3 * i + 2) == 1;
                    boolean join = behavior == Behavior.CONTIGUOUS ? match == previousMatch : match && !previousMatch;
                    if (join && out.size() > first) {
                        out.set(out.size() - 1, parts.get(3 * i + 1));
                    } else {
                        emit(out, parts.get(3 * i), parts.get(3 * i + 1));
                    }
                    previousMatch = match;
                }
            }
            case MERGED_WITH_NEXT -> {
                // Mirror image of MERGED_WITH_PREVIOUS: walk backwards, a match joins the piece after it.
                IntList reversed = new IntList(n * 2);
                boolean previousMatch = false;
                for (int i = n - 1; i >= 0; i--) {
                    boolean match = parts.get(3 * i + 2) == 1;
                    if (match && !previousMatch && !reversed.isEmpty()) {
                        reversed.set(reversed.size() - 2, parts.get(3 * i));
                    } else {
                        reversed.add(parts.get(3 * i));
                        reversed.add(parts.get(3 * i + 1));
                    }
                    previousMatch = match;
                }
                for (int i = reversed.size() - 2; i >= 0; i -= 2) {
                    emit(out, reversed.get(i), reversed.get(i + 1));
                }
            }
        }
    }

    private static void emit(IntList out, int start, int end) {
        if (end > start) {
            out.add(start);
            out.add(end);
        }
    }
}
