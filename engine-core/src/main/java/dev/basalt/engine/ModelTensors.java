package dev.basalt.engine;

import dev.basalt.engine.ModelFamily.LayerTensor;
import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import dev.basalt.tensor.compute.Activation;
import dev.basalt.tensor.compute.Backend;
import dev.basalt.tensor.compute.WeightMatrix;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors the forward pass uses, found in the file and checked against the configuration (presence, shape,
 * type) before the backend sees any of them; then {@link #prepare} hands them to the backend.
 */
record ModelTensors(ModelFamily family, ModelConfig config, Tensor tokenEmbedding, List<Map<LayerTensor, Tensor>> layers,
        Tensor outputNorm, Tensor output, Tensor ropeFreqs, Tensor ropeFactorsLong, Tensor ropeFactorsShort,
        Tensor positionEmbedding, Tensor tokenTypes, Tensor embeddingNorm, Tensor embeddingNormBias,
        Tensor classifier, Tensor classifierBias, Tensor classifierOutput, Tensor classifierOutputBias) {

    /**
     * @throws MissingTensorException when a tensor the family needs is absent
     * @throws TensorShapeException when one has the wrong shape or a type that cannot hold weights
     */
    static ModelTensors validate(ModelSource file, ModelFamily family, ModelConfig c) {
        int dim = c.embeddingLength();
        Tensor embd = require(file, family, family.tokenEmbedding(), new long[] {dim, c.vocabSize()},
                "embedding_length x vocabulary size");
        List<LayerTensor> roles = family.layerTensors();
        Map<LayerTensor, Tensor>[] layers = newMaps(c.blockCount());
        for (int l = 0; l < c.blockCount(); l++) {
            layers[l] = new EnumMap<>(LayerTensor.class);
            for (LayerTensor role : roles) {
                layers[l].put(role, require(file, family, family.layerTensor(l, role), shape(role, family, c),
                        "from the " + family.architecture() + ".* metadata"));
            }
        }
        boolean preNorm = !family.has(BlockTrait.NORM_AFTER_RESIDUAL);
        Tensor norm = preNorm ? require(file, family, family.outputNorm(), new long[] {dim}, "embedding_length") : null;
        Tensor positions = family.has(BlockTrait.ABSOLUTE_POSITIONS) ? require(file, family, family.positionEmbedding(),
                new long[] {dim, c.contextLength()}, "embedding_length x context_length") : null;
        Tensor types = file.hasTensor(family.tokenTypes()) ? require(file, family, family.tokenTypes(),
                new long[] {dim, Math.max(1, file.tensor(family.tokenTypes()).dim(1))}, "embedding_length x token types") : null;
        Tensor embdNorm = null;
        Tensor embdNormBias = null;
        if (family.has(BlockTrait.EMBEDDING_NORM)) {
            embdNorm = require(file, family, family.embeddingNorm(), new long[] {dim}, "embedding_length");
            embdNormBias = require(file, family, ModelFamily.biasOf(family.embeddingNorm()), new long[] {dim}, "embedding_length");
        }
        // The classification head of rerankers: both layers optional, each with its bias, as llama.cpp loads them.
        Tensor cls = optional(file, family, family.classifier(), new long[] {dim, dim}, "embedding_length x embedding_length");
        Tensor clsBias = cls == null ? null
                : require(file, family, ModelFamily.biasOf(family.classifier()), new long[] {dim}, "embedding_length");
        long[] labels = {dim, c.classifierLabels()};
        Tensor clsOut = optional(file, family, family.classifierOutput(), labels, "embedding_length x classifier labels");
        Tensor clsOutBias = clsOut == null ? null : require(file, family, ModelFamily.biasOf(family.classifierOutput()),
                new long[] {c.classifierLabels()}, "classifier labels");
        Tensor output = optional(file, family, family.output(), new long[] {dim, c.vocabSize()},
                "embedding_length x vocabulary size");
        long[] pairs = {c.ropeDimensionCount() / 2};
        Tensor freqs = optional(file, family, family.ropeFrequencies(), pairs, "rope.dimension_count / 2");
        Tensor longFactors = optional(file, family, family.ropeFactorsLong(), pairs, "rope.dimension_count / 2");
        Tensor shortFactors = optional(file, family, family.ropeFactorsShort(), pairs, "rope.dimension_count / 2");
        if ((longFactors == null) != (shortFactors == null)) {
            String missing = longFactors == null ? family.ropeFactorsLong() : family.ropeFactorsShort();
            throw new MissingTensorException(file.source(), missing, family.architecture() + " LongRoPE");
        }
        return new ModelTensors(family, c, embd, List.of(layers), norm, output, freqs, longFactors, shortFactors,
                positions, types, embdNorm, embdNormBias, cls, clsBias, clsOut, clsOutBias);
    }

    @SuppressWarnings("unchecked")
    private static Map<LayerTensor, Tensor>[] newMaps(int n) {
        return new Map[n];
    }

    /** The ggml shape {@code role} must have in a model of configuration {@code c}. */
    private static long[] shape(LayerTensor role, ModelFamily family, ModelConfig c) {
        int dim = c.embeddingLength();
        int ffn = c.feedForwardLength();
        return switch (role) {
            case ATTN_NORM, FFN_NORM, ATTN_POST_NORM, FFN_POST_NORM, ATTN_OUTPUT_BIAS, ATTN_OUTPUT_NORM,
                    ATTN_OUTPUT_NORM_BIAS, FFN_DOWN_BIAS, LAYER_OUTPUT_NORM, LAYER_OUTPUT_NORM_BIAS -> new long[] {dim};
            case FFN_UP_BIAS -> new long[] {ffn};
            case ATTN_Q -> new long[] {dim, c.queryDim()};
            case ATTN_K -> new long[] {dim, c.keyDim()};
            case ATTN_V -> new long[] {dim, c.valueDim()};
            case ATTN_QKV -> new long[] {dim, (long) c.queryDim() + c.keyDim() + c.valueDim()};
            case ATTN_Q_BIAS -> new long[] {c.queryDim()};
            case ATTN_K_BIAS -> new long[] {c.keyDim()};
            case ATTN_V_BIAS -> new long[] {c.valueDim()};
            case ATTN_Q_NORM, ATTN_K_NORM -> new long[] {c.keyLength()};
            case ATTN_OUTPUT -> new long[] {(long) c.headCount() * c.valueLength(), dim};
            case FFN_GATE -> new long[] {dim, ffn};
            case FFN_UP -> new long[] {dim, family.has(BlockTrait.FUSED_GATE_UP) ? 2L * ffn : ffn};
            case FFN_DOWN -> new long[] {ffn, dim};
        };
    }

    private static Tensor optional(ModelSource file, ModelFamily family, String name, long[] shape, String why) {
        return file.hasTensor(name) ? require(file, family, name, shape, why) : null;
    }

    private static Tensor require(ModelSource file, ModelFamily family, String name, long[] shape, String why) {
        if (!file.hasTensor(name)) {
            throw new MissingTensorException(file.source(), name, family.architecture());
        }
        Tensor t = file.tensor(name);
        // trailing 1s are not a dimension (a [128, 1] head is a [128] vector to ggml's loader too)
        if (!Arrays.equals(withoutTrailingOnes(t.shape()), withoutTrailingOnes(shape))) {
            throw new TensorShapeException(file.source(), name, t.shape(), shape, why);
        }
        GgmlType type = t.type();
        boolean usable = switch (type) {
            case I8, I16, I32, I64, F64 -> false;
            default -> true;
        };
        if (!usable) {
            throw new TensorShapeException(file.source(), name, "type " + type + " cannot hold "
                    + (shape.length == 2 ? "weights" : "a norm vector"));
        }
        return t;
    }

    private static long[] withoutTrailingOnes(long[] shape) {
        int rank = shape.length;
        while (rank > 1 && shape[rank - 1] == 1) {
            rank--;
        }
        return Arrays.copyOf(shape, rank);
    }

    ModelWeights prepare(Backend backend) {
        WeightMatrix embd = backend.matrix(tokenEmbedding);
        ModelWeights.Layer[] ls = new ModelWeights.Layer[layers.size()];
        int q = config.queryDim();
        int k = config.keyDim();
        int v = config.valueDim();
        int ffn = config.feedForwardLength();
        for (int l = 0; l < ls.length; l++) {
            Map<LayerTensor, Tensor> t = layers.get(l);
            WeightMatrix wq;
            WeightMatrix wk;
            WeightMatrix wv;
            if (family.has(BlockTrait.FUSED_QKV)) {
                Tensor qkv = t.get(LayerTensor.ATTN_QKV);
                wq = backend.matrix(rowSlice(qkv, "q", 0, q));
                wk = backend.matrix(rowSlice(qkv, "k", q, k));
                wv = backend.matrix(rowSlice(qkv, "v", q + k, v));
            } else {
                wq = backend.matrix(t.get(LayerTensor.ATTN_Q));
                wk = backend.matrix(t.get(LayerTensor.ATTN_K));
                wv = backend.matrix(t.get(LayerTensor.ATTN_V));
            }
            WeightMatrix gate;
            WeightMatrix up;
            if (family.has(BlockTrait.FUSED_GATE_UP)) {
                Tensor gateUp = t.get(LayerTensor.FFN_UP);
                gate = backend.matrix(rowSlice(gateUp, "gate", 0, ffn));
                up = backend.matrix(rowSlice(gateUp, "up", ffn, ffn));
            } else {
                gate = family.has(BlockTrait.UNGATED_FFN) ? null : backend.matrix(t.get(LayerTensor.FFN_GATE));
                up = backend.matrix(t.get(LayerTensor.FFN_UP));
            }
            ls[l] = new ModelWeights.Layer(vector(backend, t, LayerTensor.ATTN_NORM), wq, wk, wv,
                    vector(backend, t, LayerTensor.ATTN_Q_BIAS), vector(backend, t, LayerTensor.ATTN_K_BIAS),
                    vector(backend, t, LayerTensor.ATTN_V_BIAS), vector(backend, t, LayerTensor.ATTN_Q_NORM),
                    vector(backend, t, LayerTensor.ATTN_K_NORM), backend.matrix(t.get(LayerTensor.ATTN_OUTPUT)),
                    vector(backend, t, LayerTensor.ATTN_POST_NORM), vector(backend, t, LayerTensor.FFN_NORM), gate, up,
                    backend.matrix(t.get(LayerTensor.FFN_DOWN)), vector(backend, t, LayerTensor.FFN_POST_NORM),
                    vector(backend, t, LayerTensor.ATTN_OUTPUT_BIAS), vector(backend, t, LayerTensor.FFN_UP_BIAS),
                    vector(backend, t, LayerTensor.FFN_DOWN_BIAS), vector(backend, t, LayerTensor.ATTN_OUTPUT_NORM),
                    vector(backend, t, LayerTensor.ATTN_OUTPUT_NORM_BIAS), vector(backend, t, LayerTensor.LAYER_OUTPUT_NORM),
                    vector(backend, t, LayerTensor.LAYER_OUTPUT_NORM_BIAS));
        }
        Activation norm = outputNorm == null ? null : backend.vector(outputNorm);
        WeightMatrix out = output != null ? backend.matrix(output) : embd;
        ModelWeights.ClassifierHead head = classifierOutput == null ? null : new ModelWeights.ClassifierHead(
                classifier == null ? null : backend.matrix(classifier), vector(backend, classifierBias),
                backend.matrix(classifierOutput), vector(backend, classifierOutputBias));
        // llama.cpp adds row 0 ("sentence A") of the token types to every token: a vector, like a bias
        Activation typeRow = tokenTypes == null ? null : backend.vector(new Tensor(tokenTypes.name() + "[0]", tokenTypes.type(),
                new long[] {tokenTypes.dim(0)}, tokenTypes.data().asSlice(0, tokenTypes.rowBytes())));
        return new ModelWeights(embd, ls, norm, out, floats(ropeFreqs), floats(ropeFactorsLong), floats(ropeFactorsShort),
                positionEmbedding == null ? null : backend.matrix(positionEmbedding), typeRow, vector(backend, embeddingNorm),
                vector(backend, embeddingNormBias), head);
    }

    private static Activation vector(Backend backend, Tensor t) {
        return t == null ? null : backend.vector(t);
    }

    /** The backend's copy of a 1-D tensor of the block, or null when the family has no such tensor. */
    private static Activation vector(Backend backend, Map<LayerTensor, Tensor> layer, LayerTensor role) {
        Tensor t = layer.get(role);
        return t == null ? null : backend.vector(t);
    }

    /**
     * Rows {@code first .. first + rows} of a fused matrix as a matrix of their own: a view of the same mapped bytes
     * (rows are contiguous), so the product is the very one llama.cpp computes before it splits the result.
     */
    private static Tensor rowSlice(Tensor fused, String part, long first, long rows) {
        long rowBytes = fused.rowBytes();
        return new Tensor(fused.name() + "[" + part + "]", fused.type(), new long[] {fused.dim(0), rows},
                fused.data().asSlice(first * rowBytes, rows * rowBytes));
    }

    private static float[] floats(Tensor t) {
        if (t == null) {
            return null;
        }
        float[] out = new float[(int) t.elementCount()];
        t.type().codec().dequantize(t.data(), 0, out, 0, out.length);
        return out;
    }
}
