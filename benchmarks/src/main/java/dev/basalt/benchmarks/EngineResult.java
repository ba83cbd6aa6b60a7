package dev.basalt.benchmarks;

import java.util.Arrays;

/**
 * What one engine measured in a side-by-side run: tokens per second of each measured round.
 *
 * @param prefill prompt tokens / prefill seconds, one value per round
 * @param decode generated tokens / decode seconds, one value per round
 */
record EngineResult(String engine, String build, double[] prefill, double[] decode) {

    double medianPrefill() {
        return median(prefill);
    }

    double medianDecode() {
        return median(decode);
    }

    /** The middle value; the mean of the two middle ones for an even count. */
    static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
