package dev.basalt.benchmarks;

/**
 * One engine of a side-by-side run, loaded on one model file with a fixed number of threads and a context of
 * prompt + generated tokens. Both calls return when the work is done (the logits are in Java arrays), so wall-clock
 * time around them is the engine's time.
 */
interface InferenceEngine extends AutoCloseable {

    /** {@code basalt} or {@code llama.cpp}. */
    String name();

    /** Which build measured the figures: a version, commit or release tag. */
    String build();

    /** Empties the KV cache and runs {@code ids} as one prompt batch, logits for the last token only. */
    void prefill(int[] ids);

    /** Runs one token at the next position (after the prompt and earlier decodes). */
    void decode(int id);

    @Override
    void close();
}
