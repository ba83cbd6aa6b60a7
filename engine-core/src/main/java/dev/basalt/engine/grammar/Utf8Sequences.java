package dev.basalt.engine.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A set of code points as the UTF-8 byte sequences that encode exactly them: each sequence is a list of byte
 * ranges, one per byte, so a matcher that reads bytes can match a character class. E.g. U+0080..U+07FF is
 * {@code [C2-DF][80-BF]}. Surrogates (U+D800..U+DFFF) are never included: UTF-8 cannot encode them.
 */
final class Utf8Sequences {
    private static final int[] LENGTH_LIMITS = {0x7F, 0x7FF, 0xFFFF, 0x10FFFF};

    private Utf8Sequences() {}

    /**
     * The sequences of the code point ranges (inclusive pairs), negated when asked: each sequence is an array of
     * byte ranges {@code [first0, last0, first1, last1, ...]}.
     */
    static List<int[]> of(int[] ranges, boolean negated) {
        int[] set = normalize(ranges);
        if (negated) {
            set = complement(set);
        }
        set = withoutSurrogates(set);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < set.length; i += 2) {
            split(set[i], set[i + 1], out);
        }
        return out;
    }

    /** Sorted, merged, non-overlapping ranges. */
    private static int[] normalize(int[] ranges) {
        int n = ranges.length / 2;
        long[] packed = new long[n];
        for (int i = 0; i < n; i++) {
            packed[i] = ((long) ranges[2 * i] << 32) | ranges[2 * i + 1];
        }
        Arrays.sort(packed);
        int[] out = new int[ranges.length];
        int m = 0;
        for (long p : packed) {
            int first = (int) (p >>> 32);
            int last = (int) p;
            if (m > 0 && first <= out[m - 1] + 1) {
                out[m - 1] = Math.max(out[m - 1], last);
            } else {
                out[m++] = first;
                out[m++] = last;
            }
        }
        return Arrays.copyOf(out, m);
    }

    private static int[] complement(int[] set) {
        int[] out = new int[set.length + 2];
        int m = 0;
        int next = 0;
        for (int i = 0; i < set.length; i += 2) {
            if (set[i] > next) {
                out[m++] = next;
                out[m++] = set[i] - 1;
            }
            next = set[i + 1] + 1;
        }
        if (next <= Character.MAX_CODE_POINT) {
            out[m++] = next;
            out[m++] = Character.MAX_CODE_POINT;
        }
        return Arrays.copyOf(out, m);
    }

    private static int[] withoutSurrogates(int[] set) {
        return intersect(set, new int[] {0, 0xD7FF, 0xE000, Character.MAX_CODE_POINT});
    }

    private static int[] intersect(int[] a, int[] b) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < a.length; i += 2) {
            for (int j = 0; j < b.length; j += 2) {
                int first = Math.max(a[i], b[j]);
                int last = Math.min(a[i + 1], b[j + 1]);
                if (first <= last) {
                    out.add(first);
                    out.add(last);
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Splits [first, last] until each piece is a product of byte ranges, then emits them. */
    private static void split(int first, int last, List<int[]> out) {
        for (int limit : LENGTH_LIMITS) {
            if (first <= limit && last > limit) {
                split(first, limit, out);
                split(limit + 1, last, out);
                return;
            }
        }
        int length = encode(first).length;
        for (int i = 1; i < length; i++) {
            int mask = (1 << (6 * i)) - 1; // the low bits held by the last i continuation bytes
            if ((first & ~mask) != (last & ~mask)) {
                if ((first & mask) != 0) {
                    split(first, first | mask, out);
                    split((first | mask) + 1, last, out);
                    return;
                }
                if ((last & mask) != mask) {
                    split(first, (last & ~mask) - 1, out);
                    split(last & ~mask, last, out);
                    return;
                }
            }
        }
        byte[] a = encode(first);
        byte[] b = encode(last);
        int[] sequence = new int[2 * length];
        for (int i = 0; i < length; i++) {
            sequence[2 * i] = a[i] & 0xFF;
            sequence[2 * i + 1] = b[i] & 0xFF;
        }
        out.add(sequence);
    }

    private static byte[] encode(int codePoint) {
        return Character.toString(codePoint).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
