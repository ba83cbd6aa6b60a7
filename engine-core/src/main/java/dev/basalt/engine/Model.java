package dev.basalt.engine;

import dev.basalt.gguf.Metadata;
import dev.basalt.gguf.MetadataException;
import dev.basalt.gguf.ModelFormatException;
import dev.basalt.tensor.compute.Backend;
import dev.basalt.tokenizer.Tokenizer;
import dev.basalt.tokenizer.TokenizerException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A loaded model: the mapped GGUF file or Hugging Face folder ({@link ModelSource}), its configuration, and its
 * weights prepared by a compute backend (on the CPU: views of the mapping; copies only where a Hugging Face layout
 * must be transformed, see {@link dev.basalt.engine.hf.HuggingFaceModel}).
 *
 * <p>Loading checks everything up front: the architecture ({@link UnsupportedModelException}), the metadata
 * ({@link MetadataException}), and the presence ({@link MissingTensorException}) and shape
 * ({@link TensorShapeException}) of every tensor the forward pass will touch.
 *
 * <p>Thread-safety: a model is immutable once loaded and may serve many {@link InferenceSession}s in parallel,
 * each used by one thread at a time. {@link #close()} unmaps the file and releases the backend; sessions must not
 * be used afterwards (they fail with {@link IllegalStateException}).
 */
public final class Model implements AutoCloseable {
    private final ModelSource file;
    private final ModelFamily family;
    private final ModelConfig config;
    private final Backend backend;
    private final ModelWeights weights;
    private final Transformer transformer;
    private final Tokenizer tokenizer;
    private final int defaultContextLength;
    private final String backendFallback;
    private final Embedder defaultEmbedder;
    private volatile boolean closed;

    private Model(ModelSource file, ModelFamily family, ModelConfig config, Backend backend, ModelWeights weights,
            Tokenizer tokenizer, int defaultContextLength, String backendFallback) {
        this.file = file;
        this.family = family;
        this.config = config;
        this.backend = backend;
        this.weights = weights;
        this.transformer = new Transformer(backend, family, config, weights);
        this.tokenizer = tokenizer;
        this.defaultContextLength = defaultContextLength;
        this.backendFallback = backendFallback;
        this.defaultEmbedder = hasClassifier() || config.pooling() != Pooling.RANK
                ? new Embedder(this, transformer, backend, EmbeddingOptions.defaults()) : null;
    }

    /** Loads {@code path} (a GGUF file or a Hugging Face folder) with {@link ModelOptions#defaults()}. */
    public static Model load(Path path) throws IOException {
        return load(path, ModelOptions.defaults());
    }

    /**
     * Maps {@code path} (a GGUF file, or a Hugging Face folder: {@code config.json}, safetensors, tokenizer), validates
     * it and prepares its weights.
     *
     * @throws ModelFormatException when the file is malformed, lacks a tensor or metadata key, or a tensor has the
     *     wrong shape (the subclasses {@link MissingTensorException}, {@link TensorShapeException},
     *     {@link MetadataException})
     * @throws UnsupportedModelException when the architecture or one of its features is not supported
     * @throws IOException when the file cannot be read
     */
    public static Model load(Path path, ModelOptions options) throws IOException {
        return load(ModelSource.open(path), options);
    }

    /** As {@link #load(Path, ModelOptions)} from an open source, which the model then owns (and closes). */
    public static Model load(ModelSource file, ModelOptions options) {
        Backend backend = null;
        try {
            String source = file.source();
            String architecture = file.metadata().getString("general.architecture");
            ModelFamily family = ModelFamily.forArchitecture(architecture, source);
            ModelConfig config = ModelConfig.read(file, family);
            String scaling = config.ropeScaling().type();
            if (!scaling.equals("none") && !scaling.equals("linear")) {
                throw new UnsupportedModelException(source, architecture, "RoPE scaling '" + scaling + "'");
            }
            if (config.keyLength() != config.valueLength()) {
                throw new UnsupportedModelException(source, architecture, "key length " + config.keyLength()
                        + " different from value length " + config.valueLength());
            }
            ModelTensors tensors = ModelTensors.validate(file, family, config);
            // A file without a vocabulary still runs on token ids; one with a broken vocabulary fails here.
            Tokenizer tokenizer = file.tokenizer().orElse(null);
            ChosenBackend chosen = ChosenBackend.create(options);
            backend = chosen.backend();
            ModelWeights weights = tensors.prepare(backend);
            int ctx = options.contextLength() > 0 ? options.contextLength()
                    : (int) Math.max(1, Math.min(config.contextLength(),
                            options.kvCacheBudgetBytes() / KvCache.bytesPerPosition(config)));
            return new Model(file, family, config, backend, weights, tokenizer, ctx, chosen.fallback());
        } catch (RuntimeException | Error e) {
            if (backend != null) {
                backend.close();
            }
            file.close();
            throw e;
        }
    }

    /** The name of the backend the model runs on ({@code "cpu"}, {@code "opencl"}). */
    public String backendName() {
        return backend.name();
    }

    /**
     * Null, or why {@code --backend auto} ran on the CPU (e.g. "opencl unavailable: no OpenCL platform; running on
     * the CPU"), for the application to tell its user.
     */
    public String backendFallback() {
        return backendFallback;
    }

    public ModelConfig config() {
        return config;
    }

    public ModelFamily family() {
        return family;
    }

    public Metadata metadata() {
        return file.metadata();
    }

    /** The file the model was loaded from. */
    public String source() {
        return file.source();
    }

    /**
     * The sampling the model's publisher recommends ({@code generation_config.json}, or a GGUF's
     * {@code general.sampling.*} keys) and its extra end-of-generation tokens; callers apply what the user left unset.
     */
    public GenerationDefaults generationDefaults() {
        return file.generationDefaults();
    }

    /** Whether the output projection is the token embedding (the file has no {@code output.weight}). */
    public boolean tiedEmbeddings() {
        return weights.tiedOutput();
    }

    /** The context length {@link #newSession()} uses (see {@link ModelOptions#contextLength()}). */
    public int defaultContextLength() {
        return defaultContextLength;
    }

    /** A session with the default context length. */
    public InferenceSession newSession() {
        return newSession(0);
    }

    /**
     * A session with its own KV cache of {@code contextLength} positions (0: {@link #defaultContextLength()}).
     * Lengths beyond the model's training context are allowed; quality beyond it is the model's affair.
     *
     * @throws EmbeddingOnlyModelException when the model is made for embeddings ({@link ModelConfig#embeddingOnly()})
     */
    public InferenceSession newSession(int contextLength) {
        ensureOpen();
        if (config.embeddingOnly()) {
            throw new EmbeddingOnlyModelException(file.source(), config);
        }
        if (contextLength < 0) {
            throw new IllegalArgumentException("context length must be 0 (default) or positive, got " + contextLength);
        }
        int ctx = contextLength == 0 ? defaultContextLength : contextLength;
        return new InferenceSession(this, transformer, new KvCache(backend, config, ctx));
    }

    /**
     * The model's own tokenizer, from the file's {@code tokenizer.ggml.*} metadata.
     *
     * @throws TokenizerException when the file has no vocabulary (it can still run on token ids)
     */
    public Tokenizer tokenizer() {
        if (tokenizer == null) {
            throw new TokenizerException(file.source() + " has no tokenizer (no tokenizer.ggml.model metadata, or no "
                    + "tokenizer.json in a folder); it can only be run on token ids");
        }
        return tokenizer;
    }

    /** A generator with its own session of the default context length. */
    public Generator newGenerator(GenerationOptions options) {
        return newGenerator(options, 0);
    }

    /** A generator with its own session of {@code contextLength} positions (0: the default). */
    public Generator newGenerator(GenerationOptions options, int contextLength) {
        // The generation config's end-of-generation ids end a reply like the vocabulary's own EOS.
        Set<Integer> endIds = new HashSet<>();
        for (int id : generationDefaults().endOfGenerationIds()) {
            endIds.add(id);
        }
        return new Generator(tokenizer(), newSession(contextLength), options.withMoreStops(List.of(), endIds));
    }

    /**
     * A conversation in {@code format} with its own session of {@code contextLength} positions (0: the default).
     * {@code options} apply to every reply; the format adds its end-of-turn stops.
     */
    public Conversation newConversation(ChatFormat format, GenerationOptions options, int contextLength) {
        return new Conversation(format, newGenerator(options, contextLength), options);
    }

    /** Whether the file has a classification head ({@code cls.output.weight}): a reranker. */
    public boolean hasClassifier() {
        return weights.classifier() != null;
    }

    /**
     * An embedder with {@code options} (pooling, normalization, truncation, batch size); see {@link Embedder}.
     *
     * @throws IncompatiblePoolingException when {@code options} ask for rank pooling and the file has no
     *     classification head
     */
    public Embedder embedder(EmbeddingOptions options) {
        ensureOpen();
        return new Embedder(this, transformer, backend, options);
    }

    /**
     * One vector per text with the file's pooling, unnormalized (as llama.cpp's library returns them): batched and
     * thread-safe. See {@link Embedder#embed}.
     */
    public float[][] embed(List<String> texts) {
        return defaultEmbedder().embed(texts);
    }

    /** The raw score of each document for {@code query} (a reranker's rank pooling). See {@link Embedder#rerank}. */
    public float[] rerank(String query, List<String> documents) {
        return defaultEmbedder().rerank(query, documents);
    }

    private Embedder defaultEmbedder() {
        ensureOpen();
        if (defaultEmbedder == null) { // a file that declares rank pooling without a head: say so
            return embedder(EmbeddingOptions.defaults());
        }
        return defaultEmbedder;
    }

    /** Bytes of one session's KV cache of {@code contextLength} positions. */
    public long kvCacheBytes(int contextLength) {
        return KvCache.bytesPerPosition(config) * contextLength;
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("model " + file.source() + " is closed");
        }
    }

    Transformer transformer() {
        return transformer;
    }

    /** Releases the backend and unmaps the file; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            backend.close();
            file.close();
        }
    }

    @Override
    public String toString() {
        return "Model[" + file.source() + ", " + config + "]";
    }
}
