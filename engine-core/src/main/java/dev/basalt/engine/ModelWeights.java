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
 */
record ModelWeights(WeightMatrix tokenEmbedding, Layer[] layers, Activation outputNorm, WeightMatrix output,
        float[] ropeFreqFactors, float[] ropeFactorsLong, float[] ropeFactorsShort) {

    /**
     * One transformer block. A fused QKV or gate+up tensor arrives here already split into row views. Components of
     * traits the family lacks are null: the biases ({@link BlockTrait#QKV_BIAS}), {@code qNorm}/{@code kNorm}
     * ({@link BlockTrait#QK_NORM}), {@code attnPostNorm}/{@code ffnPostNorm} ({@link BlockTrait#POST_NORMS}).
     */
    record Layer(Activation attnNorm, WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, Activation qBias,
            Activation kBias, Activation vBias, Activation qNorm, Activation kNorm, WeightMatrix wo,
            Activation attnPostNorm, Activation ffnNorm, WeightMatrix gate, WeightMatrix up, WeightMatrix down,
            Activation ffnPostNorm) {
    }

    boolean tiedOutput() {
        return output == tokenEmbedding;
    }
}
