package dev.basalt.engine;

import dev.basalt.gguf.GgufFile;
import dev.basalt.gguf.Metadata;
import dev.basalt.gguf.MetadataException;
import dev.basalt.gguf.ModelFormatException;
import dev.basalt.kernels.cpu.CpuBackend;
import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import dev.basalt.tensor.compute.Activation;
import dev.basalt.tensor.compute.Backend;
import dev.basalt.tensor.compute.WeightMatrix;
import dev.basalt.tokenizer.Tokenizer;
import dev.basalt.tokenizer.TokenizerException;
import dev.basalt.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A loaded model: the mapped GGUF file, its configuration, and its weights prepared by a compute backend (on the
 * CPU: views of the mapping, never copies).
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
    private final GgufFile file;
    private final ModelFamily family;
    private final ModelConfig config;
    private final Backend backend;
    private final ModelWeights weights;
    private final Transformer transformer;
    private final Tokenizer tokenizer;
    private final int defaultContextLength;
    private volatile boolean closed;

    private Model(GgufFile file, ModelFamily family, ModelConfig config, Backend backend, ModelWeights weights,
            Tokenizer tokenizer, int defaultContextLength) {
        this.file = file;
        this.family = family;
        this.config = config;
        this.backend = backend;
        this.weights = weights;
        this.transformer = new Transformer(backend, family, config, weights);
        this.tokenizer = tokenizer;
        this.defaultContextLength = defaultContextLength;
    }

    /** Loads {@code gguf} with {@link ModelOptions#defaults()}. */
    public static Model load(Path gguf) throws IOException {
        return load(gguf, ModelOptions.defaults());
    }

    /**
     * Maps {@code gguf}, validates it and prepares its weights.
     *
     * @throws ModelFormatException when the file is malformed, lacks a tensor or metadata key, or a tensor has the
     *     wrong shape (the subclasses {@link MissingTensorException}, {@link TensorShapeException},
     *     {@link MetadataException})
     * @throws UnsupportedModelException when the architecture or one of its features is not supported
     * @throws IOException when the file cannot be read
     */
    public static Model load(Path gguf, ModelOptions options) throws IOException {
        GgufFile file = GgufFile.open(gguf);
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
            TensorSet tensors = TensorSet.validate(file, family, config);
            // A file without a vocabulary still runs on token ids; one with a broken vocabulary fails here.
            Tokenizer tokenizer = file.metadata().has("tokenizer.ggml.model") ? Tokenizers.fromGguf(file.metadata()) : null;
            backend = createBackend(options);
            ModelWeights weights = tensors.prepare(backend);
            int ctx = options.contextLength() > 0 ? options.contextLength()
                    : (int) Math.max(1, Math.min(config.contextLength(),
                            options.kvCacheBudgetBytes() / KvCache.bytesPerPosition(config)));
            return new Model(file, family, config, backend, weights, tokenizer, ctx);
        } catch (RuntimeException | Error e) {
            if (backend != null) {
                backend.close();
            }
            file.close();
            throw e;
        }
    }

    private static Backend createBackend(ModelOptions options) {
        return switch (options.backend()) {
            case "cpu" -> new CpuBackend(options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors());
            default -> throw new IllegalArgumentException("unknown backend '" + options.backend() + "'; available: cpu");
        };
    }

    /** The tensors the forward pass uses, checked against the configuration. */
    private record TensorSet(Tensor tokenEmbedding, Tensor[][] layers, Tensor outputNorm, Tensor output,
            Tensor ropeFreqs, ModelFamily family) {

        static TensorSet validate(GgufFile file, ModelFamily family, ModelConfig c) {
            String src = file.source();
            int dim = c.embeddingLength();
            Tensor embd = require(file, family, family.tokenEmbedding(), true, new long[] {dim, c.vocabSize()},
                    "embedding_length x vocabulary size");
            List<ModelFamily.LayerTensor> roles = family.layerTensors();
            Tensor[][] layers = new Tensor[c.blockCount()][];
            for (int l = 0; l < c.blockCount(); l++) {
                layers[l] = new Tensor[roles.size()];
                for (int i = 0; i < roles.size(); i++) {
                    ModelFamily.LayerTensor role = roles.get(i);
                    long[] shape = switch (role) {
                        case ATTN_NORM, FFN_NORM -> new long[] {dim};
                        case ATTN_Q -> new long[] {dim, c.queryDim()};
                        case ATTN_K -> new long[] {dim, c.keyDim()};
                        case ATTN_V -> new long[] {dim, c.valueDim()};
                        case ATTN_OUTPUT -> new long[] {(long) c.headCount() * c.valueLength(), dim};
                        case FFN_GATE, FFN_UP -> new long[] {dim, c.feedForwardLength()};
                        case FFN_DOWN -> new long[] {c.feedForwardLength(), dim};
                    };
                    boolean matrix = shape.length == 2;
                    layers[l][i] = require(file, family, family.layerTensor(l, role), matrix, shape,
                            "from the " + family.architecture() + ".* metadata");
                }
            }
            Tensor norm = require(file, family, family.outputNorm(), false, new long[] {dim}, "embedding_length");
            Tensor output = file.hasTensor(family.output())
                    ? require(file, family, family.output(), true, new long[] {dim, c.vocabSize()},
                            "embedding_length x vocabulary size")
                    : null;
            Tensor freqs = file.hasTensor(family.ropeFrequencies())
                    ? require(file, family, family.ropeFrequencies(), false, new long[] {c.ropeDimensionCount() / 2},
                            "rope.dimension_count / 2")
                    : null;
            return new TensorSet(embd, layers, norm, output, freqs, family);
        }

        private static Tensor require(GgufFile file, ModelFamily family, String name, boolean matrix, long[] shape,
                String why) {
            if (!file.hasTensor(name)) {
                throw new MissingTensorException(file.source(), name, family.architecture());
            }
            Tensor t = file.tensor(name);
            long[] actual = t.shape();
            int rank = actual.length;
            while (rank > shape.length && actual[rank - 1] == 1) {
                rank--;
            }
            if (rank != shape.length || !Arrays.equals(Arrays.copyOf(actual, rank), shape)) {
                throw new TensorShapeException(file.source(), name, actual, shape, why);
            }
            GgmlType type = t.type();
            boolean usable = switch (type) {
                case I8, I16, I32, I64, F64 -> false;
                default -> true;
            };
            if (!usable) {
                throw new TensorShapeException(file.source(), name, "type " + type + " cannot hold "
                        + (matrix ? "weights" : "a norm vector"));
            }
            return t;
        }

        ModelWeights prepare(Backend backend) {
            WeightMatrix embd = backend.matrix(tokenEmbedding);
            ModelWeights.Layer[] ls = new ModelWeights.Layer[layers.length];
            for (int l = 0; l < layers.length; l++) {
                Tensor[] t = layers[l];
                // the order of ModelFamily.LayerTensor
                ls[l] = new ModelWeights.Layer(backend.vector(t[0]), backend.matrix(t[1]), backend.matrix(t[2]),
                        backend.matrix(t[3]), backend.matrix(t[4]), backend.vector(t[5]), backend.matrix(t[6]),
                        backend.matrix(t[7]), backend.matrix(t[8]));
            }
            Activation norm = backend.vector(outputNorm);
            WeightMatrix out = output != null ? backend.matrix(output) : embd;
            float[] factors = null;
            if (ropeFreqs != null) {
                factors = new float[(int) ropeFreqs.elementCount()];
                ropeFreqs.type().codec().dequantize(ropeFreqs.data(), 0, factors, 0, factors.length);
            }
            return new ModelWeights(embd, ls, norm, out, factors);
        }
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
     */
    public InferenceSession newSession(int contextLength) {
        ensureOpen();
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
            throw new TokenizerException(file.source() + " has no tokenizer (no tokenizer.ggml.model metadata); "
                    + "it can only be run on token ids");
        }
        return tokenizer;
    }

    /** A generator with its own session of the default context length. */
    public Generator newGenerator(GenerationOptions options) {
        return newGenerator(options, 0);
    }

    /** A generator with its own session of {@code contextLength} positions (0: the default). */
    public Generator newGenerator(GenerationOptions options, int contextLength) {
        return new Generator(tokenizer(), newSession(contextLength), options);
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
