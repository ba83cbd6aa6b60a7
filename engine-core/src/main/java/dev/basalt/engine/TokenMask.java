package dev.basalt.engine;

import java.util.Arrays;

/** A set of token ids as a bit set: the tokens a constraint allows at one step. Reused from step to step. */
public final class TokenMask {
    private final long[] words;
    private final int size;

    public TokenMask(int vocabSize) {
        this.size = vocabSize;
        this.words = new long[(vocabSize + 63) >>> 6];
    }

    public int vocabSize() {
        return size;
    }

    public void clear() {
        Arrays.fill(words, 0);
    }

    public void add(int token) {
        words[token >>> 6] |= 1L << token;
    }

    public boolean contains(int token) {
        return (words[token >>> 6] & (1L << token)) != 0;
    }

    /** The first allowed token at or after {@code from}, or -1. */
    public int next(int from) {
        int w = from >>> 6;
        if (w >= words.length) {
            return -1;
        }
        long bits = words[w] & (-1L << from);
        while (bits == 0) {
            if (++w == words.length) {
                return -1;
            }
            bits = words[w];
        }
        return (w << 6) + Long.numberOfTrailingZeros(bits);
    }

    public boolean isEmpty() {
        for (long w : words) {
            if (w != 0) {
                return false;
            }
        }
        return true;
    }

    /** Makes this set equal to {@code other} (same vocabulary size). */
    public void copyFrom(TokenMask other) {
        System.arraycopy(other.words, 0, words, 0, words.length);
    }
}
