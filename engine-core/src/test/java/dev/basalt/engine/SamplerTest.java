package dev.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplerTest {

    static float[] logitsOf(double... probabilities) {
        float[] l = new float[probabilities.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) Math.log(probabilities[i]);
        }
        return l;
    }

    static int[] histogram(Sampler s, float[] logits, int draws) {
        int[] h = new int[logits.length];
        for (int i = 0; i < draws; i++) {
            h[s.sample(logits)]++;
        }
        return h;
    }

    @Test
    void greedyTakesTheHighestLogitAndTheLowestIdOnTies() {
        Sampler s = new Sampler(SamplingOptions.GREEDY, 5);
        assertEquals(3, s.sample(new float[] {1, 2, 0, 7, -1}));
        assertEquals(1, s.sample(new float[] {1, 7, 0, 7, -1}));
    }

    @Test
    void temperatureOneDrawsTheSoftmaxDistribution() {
        double[] p = {0.5, 0.25, 0.125, 0.125};
        SamplingOptions o = SamplingOptions.DEFAULTS.withTemperature(1f).withTopK(0).withTopP(1f).withMinP(0f).withSeed(1);
        int draws = 40_000;
        int[] h = histogram(new Sampler(o, 4), logitsOf(p), draws);
        for (int i = 0; i < p.length; i++) {
            // 5 standard deviations of a binomial count: fails with probability ~1e-6 per token for a correct sampler.
            double sd = Math.sqrt(draws * p[i] * (1 - p[i]));
            assertTrue(Math.abs(h[i] - draws * p[i]) < 5 * sd, "token " + i + ": " + h[i] + " of " + draws);
        }
    }

    @Test
    void sameSeedSameTokensOtherSeedOtherTokens() {
        float[] logits = new float[1000];
        Random r = new Random(3);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) r.nextGaussian();
        }
        SamplingOptions o = SamplingOptions.DEFAULTS.withTemperature(1.5f).withTopK(0).withMinP(0f);
        int[] a = histogramSequence(new Sampler(o.withSeed(42), 1000), logits);
        int[] b = histogramSequence(new Sampler(o.withSeed(42), 1000), logits);
        int[] c = histogramSequence(new Sampler(o.withSeed(43), 1000), logits);
        assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    }

    private static int[] histogramSequence(Sampler s, float[] logits) {
        int[] seq = new int[50];
        for (int i = 0; i < seq.length; i++) {
            seq[i] = s.sample(logits);
        }
        return seq;
    }

    @Test
    void topKOneIsGreedyWhateverTheTemperature() {
        SamplingOptions o = SamplingOptions.DEFAULTS.withTemperature(5f).withTopK(1).withSeed(9);
        Sampler s = new Sampler(o, 4);
        for (int i = 0; i < 200; i++) {
            assertEquals(2, s.sample(new float[] {0.1f, 0.2f, 0.3f, -4f}));
        }
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // probabilities 0.5, 0.3, 0.2: top-p 0.7 keeps the first two only.
        SamplingOptions o = SamplingOptions.DEFAULTS.withTemperature(1f).withTopK(0).withTopP(0.7f).withMinP(0f).withSeed(5);
        int[] h = histogram(new Sampler(o, 3), logitsOf(0.5, 0.3, 0.2), 5000);
        assertEquals(0, h[2]);
        assertTrue(h[0] > 0 && h[1] > 0);
    }

    @Test
    void minPDropsTokensFarLessLikelyThanTheBest() {
        // min-p 0.3 of 0.6 = 0.18: keeps 0.6 and 0.3, drops 0.1.
        SamplingOptions o = SamplingOptions.DEFAULTS.withTemperature(1f).withTopK(0).withTopP(1f).withMinP(0.3f).withSeed(6);
        int[] h = histogram(new Sampler(o, 3), logitsOf(0.6, 0.3, 0.1), 5000);
        assertEquals(0, h[2]);
        assertTrue(h[1] > 0);
    }

    @Test
    void repeatPenaltyPushesARecentTokenDown() {
        SamplingOptions o = SamplingOptions.GREEDY.withRepeatPenalty(2f, 4);
        Sampler s = new Sampler(o, 3);
        float[] logits = {3f, 2f, -1f};
        assertEquals(0, s.sample(logits));
        s.accept(0); // 3 / 2 = 1.5 < 2
        assertEquals(1, s.sample(logits));
        assertEquals(3f, logits[0], "the caller's logits are not modified");
        // The window forgets: after four other tokens, token 0 is no longer penalized.
        for (int i = 0; i < 4; i++) {
            s.accept(2);
        }
        assertEquals(0, s.sample(logits));
    }

    @Test
    void frequencyAndPresencePenaltiesCountOccurrences() {
        SamplingOptions o = SamplingOptions.GREEDY.withRepeatPenalty(1f, 16).withFrequencyAndPresencePenalty(0.5f, 0.25f);
        Sampler s = new Sampler(o, 2);
        float[] logits = {2f, 1f};
        s.accept(0);
        assertEquals(0, s.sample(logits)); // 2 - 0.5 - 0.25 = 1.25 > 1
        s.accept(0);
        assertEquals(1, s.sample(logits)); // 2 - 1.0 - 0.25 = 0.75 < 1
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SamplingOptions.DEFAULTS.withTemperature(-1f));
        assertThrows(IllegalArgumentException.class, () -> SamplingOptions.DEFAULTS.withTopP(0f));
        assertThrows(IllegalArgumentException.class, () -> SamplingOptions.DEFAULTS.withMinP(2f));
        Sampler s = new Sampler(SamplingOptions.GREEDY, 3);
        assertThrows(IllegalArgumentException.class, () -> s.sample(new float[4]));
    }
}
