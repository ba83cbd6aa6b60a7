package dev.basalt.engine;

/**
 * What a generation produced and how fast.
 *
 * @param text the generated text (without the prompt and without a matched stop string)
 * @param prefillNanos time to run the prompt through the model
 * @param decodeNanos time for the generated tokens after the first
 */
public record GenerationResult(String text, int[] tokens, int promptTokens, StopReason stopReason, long prefillNanos,
        long decodeNanos) {

    public int generatedTokens() {
        return tokens.length;
    }

    /** Prompt tokens per second. */
    public double prefillTokensPerSecond() {
        return prefillNanos == 0 ? 0 : promptTokens * 1e9 / prefillNanos;
    }

    /** Generated tokens per second, after the first (which comes out of the prefill). */
    public double decodeTokensPerSecond() {
        return decodeNanos == 0 || tokens.length < 2 ? 0 : (tokens.length - 1) * 1e9 / decodeNanos;
    }
}
