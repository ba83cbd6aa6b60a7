package dev.basalt.engine.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * A GBNF expression for the decimal integers in a range, digit by digit: [12, 345] is
 * {@code "1" [2-9] | [2-9] [0-9] | [1-2] [0-9] [0-9] | "3" ([0-3] [0-9] | "4" [0-5])}, without leading zeros.
 * Integers have at most {@value #MAX_DIGITS} digits, as JSON numbers in llama.cpp's grammars.
 */
final class IntegerRangeGbnf {
    static final int MAX_DIGITS = 16;
    static final long LARGEST = 9_999_999_999_999_999L;

    private IntegerRangeGbnf() {}

    /** The integers from {@code min} to {@code max} inclusive; null: unbounded on that side. */
    static String of(Long min, Long max) {
        if (min != null && max != null && min > max) {
            throw new GrammarException("minimum " + min + " is above maximum " + max + ": no integer fits");
        }
        List<String> parts = new ArrayList<>();
        if (min == null || min < 0) {
            long low = max != null && max < 0 ? -max : 1;
            parts.add("\"-\" " + nonNegative(low, min == null ? LARGEST : Math.min(LARGEST, -min)));
        }
        if (max == null || max >= 0) {
            parts.add(nonNegative(min == null ? 0 : Math.max(0, min), max == null ? LARGEST : Math.min(LARGEST, max)));
        }
        return parts.size() == 1 ? parts.getFirst() : "(" + String.join(" | ", parts) + ")";
    }

    private static String nonNegative(long low, long high) {
        List<String> byLength = new ArrayList<>();
        int lowDigits = Long.toString(low).length();
        int highDigits = Long.toString(high).length();
        for (int digits = lowDigits; digits <= highDigits; digits++) {
            long first = digits == 1 ? 0 : pow10(digits - 1);
            long last = pow10(digits) - 1;
            String a = Long.toString(Math.max(low, first));
            String b = Long.toString(Math.min(high, last));
            byLength.add(sameLength(a, b));
        }
        return byLength.size() == 1 ? byLength.getFirst() : "(" + String.join(" | ", byLength) + ")";
    }

    /** The numbers from a to b, both written with the same number of digits. */
    private static String sameLength(String a, String b) {
        if (a.isEmpty()) {
            return "";
        }
        char a0 = a.charAt(0);
        char b0 = b.charAt(0);
        String aRest = a.substring(1);
        String bRest = b.substring(1);
        int rest = aRest.length();
        if (a0 == b0) {
            return join("\"" + a0 + "\"", sameLength(aRest, bRest));
        }
        boolean lowFromZero = aRest.chars().allMatch(c -> c == '0');
        boolean highToNine = bRest.chars().allMatch(c -> c == '9');
        List<String> alternatives = new ArrayList<>();
        char midFirst = a0;
        if (!lowFromZero) {
            alternatives.add(join("\"" + a0 + "\"", sameLength(aRest, "9".repeat(rest))));
            midFirst++;
        }
        char midLast = highToNine ? b0 : (char) (b0 - 1);
        if (midFirst <= midLast) {
            alternatives.add(join(digitRange(midFirst, midLast), anyDigits(rest)));
        }
        if (!highToNine) {
            alternatives.add(join("\"" + b0 + "\"", sameLength("0".repeat(rest), bRest)));
        }
        return alternatives.size() == 1 ? alternatives.getFirst() : "(" + String.join(" | ", alternatives) + ")";
    }

    private static String digitRange(char first, char last) {
        return first == last ? "\"" + first + "\"" : "[" + first + "-" + last + "]";
    }

    private static String anyDigits(int n) {
        return n == 0 ? "" : n == 1 ? "[0-9]" : "[0-9]{" + n + "}";
    }

    private static String join(String a, String b) {
        return b.isEmpty() ? a : a + " " + b;
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }
}
