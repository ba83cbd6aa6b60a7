package dev.basalt.engine;

import java.util.Arrays;

/**
 * One conversation's state over a {@link Model}: its own float32 KV cache of {@link #contextLength()} positions,
 * of which the first {@link #position()} are filled.
 *
 * <p>Thread-safety: a session is used by one thread at a time (it is not synchronized); different sessions of the
 * same model may run in parallel on different threads.
 */
public final class InferenceSession implements AutoCloseable {
    private final Model model;
    private final Transformer transformer;
    private final int vocab;
    private KvCache cache;
    private Transformer.Workspace workspace;
    private int position;

    InferenceSession(Model model, Transformer transformer, KvCache cache) {
        this.model = model;
        this.transformer = transformer;
        this.cache = cache;
        this.vocab = model.config().vocabSize();
        this.workspace = transformer.workspace(cache.contextLength);
    }

    /** Tokens in the context so far: the position the next token is processed at. */
    public int position() {
        return position;
    }

    public int contextLength() {
        return cache.contextLength;
    }

    /**
     * Runs {@code tokens} through the model at positions {@link #position()} onwards, as one batch per layer (in
     * chunks of at most 512 tokens), and advances the position.
     *
     * @param allLogits true: return the logits of every token ({@code tokens.length * vocab}, token-major);
     *     false: only those of the last token ({@code vocab}); the output projection is computed only where needed
     * @throws ContextOverflowException when {@code position() + tokens.length > contextLength()}, before any work
     * @throws IllegalArgumentException when {@code tokens} is empty or holds an id outside the vocabulary
     */
    public float[] forward(int[] tokens, boolean allLogits) {
        ensureOpen();
        if (tokens.length == 0) {
            throw new IllegalArgumentException("no tokens to process");
        }
        if ((long) position + tokens.length > cache.contextLength) {
            throw new ContextOverflowException(position, tokens.length, cache.contextLength);
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at index " + i
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        float[] logits = new float[allLogits ? Math.multiplyExact(tokens.length, vocab) : vocab];
        for (int start = 0; start < tokens.length; start += workspace.batch) {
            int n = Math.min(workspace.batch, tokens.length - start);
            transformer.layers(cache, workspace, Arrays.copyOfRange(tokens, start, start + n), position);
            if (allLogits) {
                transformer.logits(workspace, 0, n, logits, start * vocab);
            } else if (start + n == tokens.length) {
                transformer.logits(workspace, n - 1, 1, logits, 0);
            }
            position += n;
        }
        return logits;
    }

    /**
     * Forgets every token from {@code position} on: the next {@link #forward} continues there. The cached keys and
     * values before it are kept, so rewinding to a shared prefix avoids recomputing it.
     */
    public void rewind(int position) {
        if (position < 0 || position > this.position) {
            throw new IllegalArgumentException("can rewind only to 0 .. " + this.position + ", not " + position);
        }
        this.position = position;
    }

    private void ensureOpen() {
        if (cache == null) {
            throw new IllegalStateException("session is closed");
        }
        model.ensureOpen();
    }

    /** Drops the KV cache and buffers. */
    @Override
    public void close() {
        cache = null;
        workspace = null;
    }
}
