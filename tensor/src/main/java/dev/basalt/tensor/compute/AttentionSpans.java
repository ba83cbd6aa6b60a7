package dev.basalt.tensor.compute;

/**
 * Which key rows each query token attends to, as the inclusive span {@code first[t] .. last[t]}: the one rule every
 * backend's attention follows, for a KV cache and for independent sequences packed into one batch.
 */
public final class AttentionSpans {
    private AttentionSpans() {
    }

    /**
     * Over a KV cache: token t is at position {@code startPos + t} and sees the cache up to itself (causal) or up to
     * the batch's last token, from the start of its sliding window (if any).
     */
    public static void overCache(int tokens, int startPos, AttentionConfig config, int[] first, int[] last) {
        int window = config.slidingWindow();
        for (int t = 0; t < tokens; t++) {
            last[t] = config.causal() ? startPos + t : startPos + tokens - 1;
            first[t] = window > 0 ? Math.max(0, last[t] - window + 1) : 0;
        }
    }

    /**
     * Packed sequences: sequence s holds the rows {@code sequenceStarts[s] .. sequenceStarts[s + 1]} (the last up to
     * {@code tokens}); a token sees only its own sequence, up to itself when causal, within its window.
     *
     * @throws IllegalArgumentException when the starts do not begin at 0, rise, and stay within the batch
     */
    public static void packed(int tokens, int[] sequenceStarts, AttentionConfig config, int[] first, int[] last) {
        if (sequenceStarts.length == 0 || sequenceStarts[0] != 0) {
            throw new IllegalArgumentException("the first packed sequence must start at row 0");
        }
        int window = config.slidingWindow();
        for (int s = 0; s < sequenceStarts.length; s++) {
            int start = sequenceStarts[s];
            int end = s + 1 < sequenceStarts.length ? sequenceStarts[s + 1] : tokens;
            if (end <= start || end > tokens) {
                throw new IllegalArgumentException("packed sequence " + s + " spans rows " + start + ".." + end
                        + " of " + tokens + ": starts must rise and stay within the batch");
            }
            for (int t = start; t < end; t++) {
                last[t] = config.causal() ? t : end - 1;
                first[t] = window > 0 ? Math.max(start, last[t] - window + 1) : start;
            }
        }
    }
}
