package dev.basalt.engine;

/**
 * How the next token is chosen from the logits, in llama.cpp's order: repetition penalties over the last
 * {@code penaltyWindow} tokens, then top-k, top-p, min-p, temperature, and a draw from the seeded generator.
 * A temperature of 0 (or below) means greedy: the highest logit, lowest id on ties.
 *
 * @param temperature divides the logits; 0 = greedy
 * @param topK keep the k most likely tokens; 0 = all
 * @param topP keep the smallest set whose probabilities sum to at least p; 1 = all
 * @param minP drop tokens less likely than minP × the most likely one; 0 = none
 * @param repeatPenalty divides a positive logit (multiplies a negative one) of a recently seen token; 1 = off
 * @param frequencyPenalty subtracted once per occurrence of the token in the window; 0 = off
 * @param presencePenalty subtracted once if the token occurs in the window; 0 = off
 * @param penaltyWindow how many of the most recent tokens the penalties look at
 * @param seed the random generator's seed: the same seed gives the same text
 */
public record SamplingOptions(float temperature, int topK, float topP, float minP, float repeatPenalty,
        float frequencyPenalty, float presencePenalty, int penaltyWindow, long seed) {

    /** llama.cpp's defaults (temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, penalties off, window 64). */
    public static final SamplingOptions DEFAULTS = new SamplingOptions(0.8f, 40, 0.95f, 0.05f, 1f, 0f, 0f, 64, 0);

    /** Always the most likely token. */
    public static final SamplingOptions GREEDY = new SamplingOptions(0f, 0, 1f, 0f, 1f, 0f, 0f, 64, 0);

    public SamplingOptions {
        check(temperature >= 0 && Float.isFinite(temperature), "temperature must be >= 0, got " + temperature);
        check(topK >= 0, "top-k must be >= 0, got " + topK);
        check(topP > 0 && topP <= 1, "top-p must be in (0, 1], got " + topP);
        check(minP >= 0 && minP <= 1, "min-p must be in [0, 1], got " + minP);
        check(repeatPenalty > 0 && Float.isFinite(repeatPenalty), "repeat penalty must be > 0, got " + repeatPenalty);
        check(Float.isFinite(frequencyPenalty) && Float.isFinite(presencePenalty), "penalties must be finite");
        check(penaltyWindow >= 0, "penalty window must be >= 0, got " + penaltyWindow);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public boolean greedy() {
        return temperature <= 0;
    }

    public SamplingOptions withTemperature(float t) {
        return new SamplingOptions(t, topK, topP, minP, repeatPenalty, frequencyPenalty, presencePenalty, penaltyWindow, seed);
    }

    public SamplingOptions withTopK(int k) {
        return new SamplingOptions(temperature, k, topP, minP, repeatPenalty, frequencyPenalty, presencePenalty, penaltyWindow, seed);
    }

    public SamplingOptions withTopP(float p) {
        return new SamplingOptions(temperature, topK, p, minP, repeatPenalty, frequencyPenalty, presencePenalty, penaltyWindow, seed);
    }

    public SamplingOptions withMinP(float p) {
        return new SamplingOptions(temperature, topK, topP, p, repeatPenalty, frequencyPenalty, presencePenalty, penaltyWindow, seed);
    }

    public SamplingOptions withRepeatPenalty(float penalty, int window) {
        return new SamplingOptions(temperature, topK, topP, minP, penalty, frequencyPenalty, presencePenalty, window, seed);
    }

    public SamplingOptions withFrequencyAndPresencePenalty(float frequency, float presence) {
        return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, frequency, presence, penaltyWindow, seed);
    }

    public SamplingOptions withSeed(long s) {
        return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, frequencyPenalty, presencePenalty, penaltyWindow, s);
    }
}
