package dev.basalt.engine;

import dev.basalt.tensor.compute.Activation;
import dev.basalt.tensor.compute.WeightMatrix;

/**
 * A model's weights as prepared by its backend: matrices are views of the file mapping (or a backend's device
 * copy), norm weights and biases are small float vectors.
 *
 * @param output the output projection; the same object as {@code tokenEmbedding} when embeddings are tied
 * @param ropeFreqFactors Llama 3's {@code rope_freqs.weight}, or null
 * @param ropeFactorsLong LongRoPE's factors beyond the original context, or null
 * @param ropeFactorsShort LongRoPE's factors within the original context, or null
 * @param outputNorm null in post-norm families
 * @param positionEmbedding learned absolute positions ({@link BlockTrait#ABSOLUTE_POSITIONS}), or null
 * @param tokenTypeRow row 0 of {@code token_types}, added to every token, or null
 * @param embeddingNorm {@link BlockTrait#EMBEDDING_NORM}'s weight (and {@code embeddingNormBias}), or null
 * @param classifier a reranker's classification head, or null
 */
record ModelWeights(WeightMatrix tokenEmbedding, Layer[] layers, Activation outputNorm, WeightMatrix output,
        float[] ropeFreqFactors, float[] ropeFactorsLong, float[] ropeFactorsShort, WeightMatrix positionEmbedding,
        Activation tokenTypeRow, Activation embeddingNorm, Activation embeddingNormBias, ClassifierHead classifier) {

    /**
     * {@code score = out · tanh(dense · h + denseBias) + outBias}, as llama.cpp's RANK pooling: {@code dense} (and
     * its tanh) is absent in heads that project the state directly.
     */
    record ClassifierHead(WeightMatrix dense, Activation denseBias, WeightMatrix out, Activation outBias) {
    }

    /**
     * One transformer block. A fused QKV or gate+up tensor arrives here already split into row views. Components of
     * traits the family lacks are null: the biases ({@link BlockTrait#QKV_BIAS}), {@code qNorm}/{@code kNorm}
     * ({@link BlockTrait#QK_NORM}), {@code attnPostNorm}/{@code ffnPostNorm} ({@link BlockTrait#POST_NORMS}),
     * {@code woBias}/{@code upBias}/{@code downBias} ({@link BlockTrait#DENSE_BIASES}), the LayerNorms after the
     * residuals ({@link BlockTrait#NORM_AFTER_RESIDUAL}; then {@code attnNorm}, {@code ffnNorm} are null), and
     * {@code gate} ({@link BlockTrait#UNGATED_FFN}).
     */
    record Layer(Activation attnNorm, WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, Activation qBias,
            Activation kBias, Activation vBias, Activation qNorm, Activation kNorm, WeightMatrix wo,
            Activation attnPostNorm, Activation ffnNorm, WeightMatrix gate, WeightMatrix up, WeightMatrix down,
            Activation ffnPostNorm, Activation woBias, Activation upBias, Activation downBias, Activation attnOutNorm,
            Activation attnOutNormBias, Activation layerOutNorm, Activation layerOutNormBias) {
    }

    boolean tiedOutput() {
        return output == tokenEmbedding;
    }
}
