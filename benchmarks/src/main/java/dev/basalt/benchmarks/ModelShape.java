package dev.basalt.benchmarks;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of a Llama-architecture model: the sizes a synthetic model copies from a real one so that it costs
 * what the real one costs (bytes read per token, FLOPs per prompt), whatever its random weights say.
 *
 * @param name the name {@code basalt synth --shape} accepts
 * @param vocabSize rows of the embedding (and output) matrix; the Llama 3 tokenizer has 128256 tokens
 * @param tied no {@code output.weight}: the output projection reuses {@code token_embd.weight}
 * @param ropeScalingFactor Llama 3.1-style RoPE scaling (the {@code rope_freqs.weight} tensor), 0 for none
 * @param ropeOriginalContext the pre-training context that scaling extends
 */
public record ModelShape(String name, int dim, int layers, int heads, int kvHeads, int ffn, int vocabSize,
        boolean tied, float ropeBase, int contextLength, float ropeScalingFactor, int ropeOriginalContext) {

    private static final int LLAMA3_VOCAB = 128256;

    /** The shapes {@code basalt synth} knows, by name. */
    public static final Map<String, ModelShape> KNOWN = known();

    private static Map<String, ModelShape> known() {
        Map<String, ModelShape> m = new LinkedHashMap<>();
        for (ModelShape s : new ModelShape[] {
                new ModelShape("llama-3.2-1b", 2048, 16, 32, 8, 8192, LLAMA3_VOCAB, true, 500000f, 131072, 32f, 8192),
                new ModelShape("llama-3.2-3b", 3072, 28, 24, 8, 8192, LLAMA3_VOCAB, true, 500000f, 131072, 32f, 8192),
                new ModelShape("llama-3.1-8b", 4096, 32, 32, 8, 14336, LLAMA3_VOCAB, false, 500000f, 131072, 8f, 8192),
                // For tests: Llama 3's vocabulary and RoPE, 256-wide rows so that every format's blocks fit.
                new ModelShape("llama-3-tiny", 256, 2, 4, 2, 512, LLAMA3_VOCAB, true, 500000f, 4096, 32f, 8192)}) {
            m.put(s.name(), s);
        }
        return Collections.unmodifiableMap(m);
    }

    public ModelShape {
        if (dim <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || ffn <= 0 || vocabSize <= 0) {
            throw new IllegalArgumentException("shape " + name + ": sizes must be positive");
        }
        if (dim % heads != 0 || heads % kvHeads != 0 || (dim / heads) % 2 != 0) {
            throw new IllegalArgumentException("shape " + name + ": dim " + dim + ", heads " + heads + ", kv heads "
                    + kvHeads + " do not give an even head size shared by whole groups");
        }
    }

    /** The named shape, or an {@link IllegalArgumentException} listing the known ones. */
    public static ModelShape named(String name) {
        ModelShape s = KNOWN.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown shape '" + name + "' (known: " + String.join(", ", KNOWN.keySet())
                    + ")");
        }
        return s;
    }

    public int headDim() {
        return dim / heads;
    }

    public int kvDim() {
        return kvHeads * headDim();
    }

    /** Weights in the model, embeddings counted once. */
    public long parameters() {
        long perLayer = 2L * dim * dim + 2L * dim * kvDim() + 3L * dim * ffn + 2L * dim;
        return layers * perLayer + (tied ? 1L : 2L) * dim * vocabSize + dim;
    }

    /**
     * Llama 3.1's per-frequency RoPE divisors ({@code rope_freqs.weight}), computed as llama.cpp's
     * {@code convert_hf_to_gguf.py} does: 1 for wavelengths under the original context / 4, the factor for those
     * over the original context, and a smooth blend between (low and high frequency factors 1 and 4).
     */
    public float[] ropeFrequencyFactors() {
        float lowFreqFactor = 1f;
        float highFreqFactor = 4f;
        double lowFreqWavelen = ropeOriginalContext / lowFreqFactor;
        double highFreqWavelen = ropeOriginalContext / highFreqFactor;
        int d = headDim();
        float[] factors = new float[d / 2];
        for (int i = 0; i < factors.length; i++) {
            double freq = 1.0 / Math.pow(ropeBase, (2.0 * i) / d);
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highFreqWavelen) {
                factors[i] = 1f;
            } else if (wavelen > lowFreqWavelen) {
                factors[i] = ropeScalingFactor;
            } else {
                double smooth = (ropeOriginalContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                factors[i] = (float) (1 / ((1 - smooth) / ropeScalingFactor + smooth));
            }
        }
        return factors;
    }

    @Override
    public String toString() {
        return String.format("%s (dim %d, %d layers, %d/%d heads, FFN %d, vocab %d%s, %.2fB parameters)", name, dim,
                layers, heads, kvHeads, ffn, vocabSize, tied ? ", tied embeddings" : "", parameters() / 1e9);
    }
}
