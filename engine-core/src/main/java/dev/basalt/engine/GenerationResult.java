package dev.basalt.engine;

/**
 * What a generation produced and how fast.
 *
 * @param text the generated text (without the prompt and without a matched stop string)
 * @param promptTokens the prompt's length in tokens
 * @param reusedPromptTokens the leading prompt tokens whose keys and values were already in the session's cache
 *     (a shared prefix with the previous generation), so were not run through the model again
 * @param prefillNanos time to run the rest of the prompt through the model
 * @param decodeNanos time for the generated tokens after the first
 */
public record GenerationResult(String text, int[] tokens, int promptTokens, int reusedPromptTokens, StopReason stopReason,
        long prefillNanos, long decodeNanos) {

    public int generatedTokens() {
        return tokens.length;
    }

    /** Prompt tokens the model actually processed: those after the reused prefix. */
    public int processedPromptTokens() {
        return promptTokens - reusedPromptTokens;
    }

    /** Processed prompt tokens per second. */
    public double prefillTokensPerSecond() {
        return prefillNanos == 0 ? 0 : processedPromptTokens() * 1e9 / prefillNanos;
    }

    /** Generated tokens per second, after the first (which comes out of the prefill). */
    public double decodeTokensPerSecond() {
        return decodeNanos == 0 || tokens.length < 2 ? 0 : (tokens.length - 1) * 1e9 / decodeNanos;
    }
}
