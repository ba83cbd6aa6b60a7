package dev.basalt.engine;

import java.util.SplittableRandom;

/**
 * Chooses tokens from logits as {@link SamplingOptions} say. Holds its scratch arrays and the recent-token
 * window, so choosing a token allocates nothing. One sampler per generation stream (not thread-safe).
 */
public final class Sampler {
    private final SamplingOptions options;
    private final SplittableRandom random;
    private final float[] work;
    private final int[] candidates;
    private final int[] window;
    private final int[] counts;
    private int windowSize;
    private int windowNext;

    public Sampler(SamplingOptions options, int vocabSize) {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
        this.work = new float[vocabSize];
        this.candidates = new int[vocabSize];
        this.window = new int[Math.max(1, options.penaltyWindow())];
        this.counts = new int[vocabSize];
    }

    /** Records a token (prompt or generated) in the penalty window. */
    public void accept(int token) {
        if (options.penaltyWindow() == 0) {
            return;
        }
        if (windowSize == window.length) {
            counts[window[windowNext]]--;
        } else {
            windowSize++;
        }
        window[windowNext] = token;
        counts[token]++;
        windowNext = (windowNext + 1) % window.length;
    }

    /** The next token for these logits (which are not modified). */
    public int sample(float[] logits) {
        return sample(logits, null);
    }

    /**
     * The next token among {@code allowed} (null: all) for these logits. The mask applies first, so top-k, top-p,
     * min-p and the draw all work among the allowed tokens only.
     */
    public int sample(float[] logits, TokenMask allowed) {
        if (logits.length != work.length) {
            throw new IllegalArgumentException("logits of " + logits.length + " values for a vocabulary of " + work.length);
        }
        System.arraycopy(logits, 0, work, 0, work.length);
        applyPenalties();
        int count = gatherCandidates(allowed);
        if (count == 0) {
            throw new IllegalArgumentException("no token is allowed");
        }
        if (options.greedy()) {
            return bestCandidate(count);
        }
        int n = topK(count);
        n = topP(n);
        n = minP(n);
        return draw(n);
    }

    /** The index of the largest value, lowest index on ties. */
    public static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private void applyPenalties() {
        boolean any = options.repeatPenalty() != 1f || options.frequencyPenalty() != 0f || options.presencePenalty() != 0f;
        if (!any || windowSize == 0) {
            return;
        }
        for (int i = 0; i < windowSize; i++) {
            int token = window[i];
            int c = counts[token];
            if (c <= 0) {
                continue; // already handled (duplicate in the window)
            }
            float l = work[token];
            l = l <= 0 ? l * options.repeatPenalty() : l / options.repeatPenalty();
            l -= c * options.frequencyPenalty() + options.presencePenalty();
            work[token] = l;
            counts[token] = -c; // mark as done; restored below
        }
        for (int i = 0; i < windowSize; i++) {
            int token = window[i];
            if (counts[token] < 0) {
                counts[token] = -counts[token];
            }
        }
    }

    /** Puts the allowed token ids (all when null) into candidates; returns how many. */
    private int gatherCandidates(TokenMask allowed) {
        if (allowed == null) {
            for (int i = 0; i < work.length; i++) {
                candidates[i] = i;
            }
            return work.length;
        }
        int n = 0;
        for (int t = allowed.next(0); t >= 0 && t < work.length; t = allowed.next(t + 1)) {
            candidates[n++] = t;
        }
        return n;
    }

    /** The candidate with the largest value, lowest id on ties. */
    private int bestCandidate(int count) {
        int best = candidates[0];
        for (int i = 1; i < count; i++) {
            if (work[candidates[i]] > work[best]) {
                best = candidates[i];
            }
        }
        return best;
    }

    /** Sorts the candidates by logit, descending, keeping the k best (all when k is 0). */
    private int topK(int count) {
        int k = options.topK() <= 0 || options.topK() > count ? count : options.topK();
        partialSort(count, k);
        return k;
    }

    /** Selection of the k largest of candidates[0..count) into candidates[0..k), sorted descending (ties: lower id first). */
    private void partialSort(int count, int k) {
        // Quickselect brings the k best to the front in linear time; only those are then sorted.
        quickselect(0, count - 1, k);
        sortBestFirst(k);
    }

    private boolean before(int a, int b) {
        float la = work[a];
        float lb = work[b];
        return la > lb || (la == lb && a < b);
    }

    private void quickselect(int lo, int hi, int k) {
        while (lo < hi) {
            int pivot = candidates[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (before(candidates[i], pivot)) {
                    i++;
                }
                while (before(pivot, candidates[j])) {
                    j--;
                }
                if (i <= j) {
                    int t = candidates[i];
                    candidates[i] = candidates[j];
                    candidates[j] = t;
                    i++;
                    j--;
                }
            }
            if (k - 1 <= j) {
                hi = j;
            } else if (k - 1 >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    private void sortBestFirst(int k) {
        // Heap sort of candidates[0..k): O(k log k), in place.
        for (int i = k / 2 - 1; i >= 0; i--) {
            siftDown(i, k);
        }
        for (int end = k - 1; end > 0; end--) {
            int t = candidates[0];
            candidates[0] = candidates[end];
            candidates[end] = t;
            siftDown(0, end);
        }
    }

    /** A heap whose root is the worst candidate, so that the sort ends best-first. */
    private void siftDown(int i, int n) {
        while (true) {
            int l = 2 * i + 1;
            if (l >= n) {
                return;
            }
            int worst = l;
            if (l + 1 < n && before(candidates[worst], candidates[l + 1])) {
                worst = l + 1;
            }
            if (!before(candidates[i], candidates[worst])) {
                return;
            }
            int t = candidates[i];
            candidates[i] = candidates[worst];
            candidates[worst] = t;
            i = worst;
        }
    }

    /** Probabilities (softmax at temperature 1, as llama.cpp's top-p sees them) of the n candidates into work. */
    private double softmax(int n, float temperature) {
        float max = work[candidates[0]];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp((work[candidates[i]] - max) / temperature);
        }
        return sum;
    }

    private int topP(int n) {
        if (options.topP() >= 1f || n <= 1) {
            return n;
        }
        float max = work[candidates[0]];
        double sum = softmax(n, 1f);
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            cumulative += Math.exp(work[candidates[i]] - max) / sum;
            if (cumulative >= options.topP()) {
                return i + 1;
            }
        }
        return n;
    }

    private int minP(int n) {
        if (options.minP() <= 0f || n <= 1) {
            return n;
        }
        // p_i >= minP * p_max  <=>  logit_i >= logit_max + ln(minP)
        float threshold = work[candidates[0]] + (float) Math.log(options.minP());
        int kept = 1;
        while (kept < n && work[candidates[kept]] >= threshold) {
            kept++;
        }
        return kept;
    }

    private int draw(int n) {
        float temperature = options.temperature();
        double sum = softmax(n, temperature);
        float max = work[candidates[0]];
        double r = random.nextDouble() * sum;
        for (int i = 0; i < n; i++) {
            r -= Math.exp((work[candidates[i]] - max) / temperature);
            if (r < 0) {
                return candidates[i];
            }
        }
        return candidates[n - 1];
    }
}
