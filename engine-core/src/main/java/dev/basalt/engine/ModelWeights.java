package dev.basalt.engine;

import dev.basalt.tensor.compute.Activation;
import dev.basalt.tensor.compute.WeightMatrix;

/**
 * A model's weights as prepared by its backend: matrices are views of the file mapping (or a backend's device
 * copy), norm weights are small float vectors.
 *
 * @param output the output projection; the same object as {@code tokenEmbedding} when embeddings are tied
 * @param ropeFreqFactors Llama 3's {@code rope_freqs.weight}, or null
 */
record ModelWeights(WeightMatrix tokenEmbedding, Layer[] layers, Activation outputNorm, WeightMatrix output,
        float[] ropeFreqFactors) {

    /** One transformer block. */
    record Layer(Activation attnNorm, WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, WeightMatrix wo,
            Activation ffnNorm, WeightMatrix gate, WeightMatrix up, WeightMatrix down) {
    }

    boolean tiedOutput() {
        return output == tokenEmbedding;
    }
}
