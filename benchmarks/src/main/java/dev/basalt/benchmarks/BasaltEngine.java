package dev.basalt.benchmarks;

import dev.basalt.engine.InferenceSession;
import dev.basalt.engine.Model;
import dev.basalt.engine.ModelOptions;
import java.io.IOException;
import java.nio.file.Path;

/** Basalt's side of a benchmark: one {@link Model} and one {@link InferenceSession} with a float32 KV cache. */
final class BasaltEngine implements InferenceEngine {
    private final Model model;
    private final InferenceSession session;

    BasaltEngine(Path gguf, int threads, int contextLength) throws IOException {
        this(gguf, ModelOptions.defaults().withThreads(threads).withContextLength(contextLength));
    }

    /** On the backend and device {@code options} name (e.g. {@code opencl}). */
    BasaltEngine(Path gguf, ModelOptions options) throws IOException {
        this.model = Model.load(gguf, options);
        this.session = model.newSession(options.contextLength());
    }

    /** The version and commit ./basalt passes as {@code -Dbasalt.build}, or "dev" when run otherwise. */
    static String version() {
        return System.getProperty("basalt.build", "dev");
    }

    int vocabSize() {
        return model.config().vocabSize();
    }

    @Override
    public String name() {
        return model.backendName().equals("cpu") ? "basalt" : "basalt-" + model.backendName();
    }

    @Override
    public String build() {
        return version();
    }

    @Override
    public void prefill(int[] ids) {
        session.rewind(0);
        session.forward(ids, false);
    }

    /** Forgets the tokens from {@code position} on, keeping the cache before it (a prompt decoded once). */
    void rewind(int position) {
        session.rewind(position);
    }

    int position() {
        return session.position();
    }

    @Override
    public void decode(int id) {
        session.forward(new int[] {id}, false);
    }

    @Override
    public void close() {
        session.close();
        model.close();
    }
}
