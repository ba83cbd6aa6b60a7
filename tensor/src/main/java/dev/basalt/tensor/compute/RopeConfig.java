package dev.basalt.tensor.compute;

/**
 * How rotary position embedding turns a head's vector: the first {@code dims} values of each head are rotated in
 * pairs, with frequency {@code base^(-2i/dims)} for pair i, optionally divided by a per-pair factor
 * ({@code freqFactors}, e.g. Llama 3's {@code rope_freqs.weight}).
 *
 * @param dims rotated values per head ({@code rope.dimension_count}; may be less than the head size)
 * @param freqBase {@code rope.freq_base}
 * @param neox pairs are (i, i + dims/2) as in GPT-NeoX, instead of adjacent (2i, 2i+1) as in the original
 * @param freqFactors null, or dims/2 divisors of the pair frequencies
 * @param positionScale positions are multiplied by this (1 / linear rope scaling factor)
 * @param magnitude the rotated pairs are multiplied by this (ggml's {@code attn_factor}; LongRoPE's
 *     {@code rope.scaling.attn_factor} makes it sqrt(1 + ln(scale) / ln(original context)), else 1)
 */
public record RopeConfig(int dims, float freqBase, boolean neox, float[] freqFactors, float positionScale,
        float magnitude) {

    /** A rotation that keeps the magnitude of the rotated pairs. */
    public RopeConfig(int dims, float freqBase, boolean neox, float[] freqFactors, float positionScale) {
        this(dims, freqBase, neox, freqFactors, positionScale, 1.0f);
    }

    public RopeConfig {
        if (dims <= 0 || dims % 2 != 0) {
            throw new IllegalArgumentException("rope dimension count must be positive and even, got " + dims);
        }
        if (freqFactors != null && freqFactors.length != dims / 2) {
            throw new IllegalArgumentException("rope frequency factors: " + freqFactors.length + " for " + dims / 2 + " pairs");
        }
    }
}
