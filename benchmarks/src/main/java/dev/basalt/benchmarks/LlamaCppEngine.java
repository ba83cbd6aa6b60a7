package dev.basalt.benchmarks;

import dev.basalt.engine.oracle.LlamaCppOracle;
import java.nio.file.Path;

/**
 * llama.cpp's side of a benchmark: the live oracle of engine-core's tests (build b4916, bundled by
 * {@code de.kherud:llama}, called through FFM) with {@code threads} compute threads, K and V cache in float32 as
 * Basalt's, flash attention off, memory-mapped weights, CPU only.
 */
final class LlamaCppEngine implements InferenceEngine {
    private final LlamaCppOracle oracle;

    LlamaCppEngine(Path gguf, int threads, int contextLength) {
        this.oracle = LlamaCppOracle.open(gguf, contextLength, threads);
    }

    @Override
    public String name() {
        return "llama.cpp";
    }

    @Override
    public String build() {
        return LlamaCppOracle.build();
    }

    @Override
    public void prefill(int[] ids) {
        oracle.promptLastLogits(ids);
    }

    @Override
    public void decode(int id) {
        oracle.decodeOne(id);
    }

    @Override
    public void close() {
        oracle.close();
    }
}
