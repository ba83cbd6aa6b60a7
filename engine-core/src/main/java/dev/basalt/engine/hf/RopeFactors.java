package dev.basalt.engine.hf;

import dev.basalt.engine.ModelFamily;
import dev.basalt.engine.UnsupportedModelException;
import dev.basalt.gguf.MetadataValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code config.json} {@code rope_scaling} as llama.cpp's converter turns it into GGUF: {@code linear} into
 * {@code rope.scaling.type}/{@code factor}; Llama 3's {@code llama3} into the {@code rope_freqs.weight} tensor of
 * per-pair frequency divisors; Phi-3's {@code longrope} ({@code su}) into {@code rope_factors_long/short.weight} and
 * {@code rope.scaling.attn_factor}. Others (yarn, dynamic) are refused: Basalt does not run them.
 */
final class RopeFactors {
    private RopeFactors() {
    }

    /** A tensor the converter computes from the config rather than reads from the weights (F32, 1-D). */
    record GeneratedTensor(String name, float[] values) {
    }

    private static String type(HfConfig scaling) {
        String t = scaling.has("rope_type") ? scaling.string("rope_type") : scaling.string("type", "");
        if (t.isEmpty()) {
            throw scaling.error("rope_type", "missing (required in rope_scaling)");
        }
        return t.toLowerCase(Locale.ROOT);
    }

    /** The {@code rope.scaling.*} metadata of the config. */
    static Map<String, MetadataValue> scalingMetadata(HfConfig c, HfArchitecture arch) {
        Map<String, MetadataValue> md = new LinkedHashMap<>();
        HfConfig scaling = c.object("rope_scaling");
        if (scaling == null) {
            return md;
        }
        ModelFamily f = arch.family();
        switch (type(scaling)) {
            case "default" -> {
            }
            case "linear" -> {
                md.put(f.key("rope.scaling.type"), MetadataValue.string("linear"));
                md.put(f.key("rope.scaling.factor"), MetadataValue.f32((float) scaling.number("factor")));
            }
            case "llama3" -> requireFamily(c, arch, "llama3", ModelFamily.LLAMA);
            case "longrope", "su" -> {
                requireFamily(c, arch, "longrope", ModelFamily.PHI3);
                double original = c.positiveInt("original_max_position_embeddings");
                double scale = c.positiveInt("max_position_embeddings") / original;
                double attnFactor = scale > 1.0 ? Math.sqrt(1 + Math.log(scale) / Math.log(original)) : 1.0;
                md.put(f.key("rope.scaling.attn_factor"), MetadataValue.f32((float) attnFactor));
            }
            default -> throw new UnsupportedModelException(c.file(), arch.hfNames().get(0),
                    "rope_scaling type '" + type(scaling) + "'");
        }
        return md;
    }

    private static void requireFamily(HfConfig c, HfArchitecture arch, String type, ModelFamily family) {
        if (arch.family() != family) {
            throw new UnsupportedModelException(c.file(), arch.hfNames().get(0), "rope_scaling type '" + type + "'");
        }
    }

    /** The tensors the scaling adds: {@code rope_freqs.weight} (llama3) or the LongRoPE factors. */
    static List<GeneratedTensor> tensors(HfConfig c, HfArchitecture arch) {
        HfConfig scaling = c.object("rope_scaling");
        if (scaling == null) {
            return List.of();
        }
        int width = c.positiveInt("hidden_size");
        int heads = c.positiveInt("num_attention_heads");
        return switch (type(scaling)) {
            case "llama3" -> List.of(new GeneratedTensor("rope_freqs.weight", llama3Factors(scaling,
                    c.number("rope_theta", 10_000.0), c.positiveInt("head_dim", width / heads))));
            case "longrope", "su" -> {
                int pairs = (int) (c.number("partial_rotary_factor", 1.0) * width) / heads / 2;
                float[] longFactors = scaling.floats("long_factor");
                float[] shortFactors = scaling.floats("short_factor");
                if (longFactors.length != pairs || shortFactors.length != pairs) {
                    throw scaling.error("long_factor", longFactors.length + " long and " + shortFactors.length
                            + " short factors, expected " + pairs + " each (rotary dimensions / 2)");
                }
                yield List.of(new GeneratedTensor("rope_factors_long.weight", longFactors),
                        new GeneratedTensor("rope_factors_short.weight", shortFactors));
            }
            default -> List.of();
        };
    }

    /**
     * Llama 3.1's per-pair divisors: pairs whose wavelength is below {@code original / high_freq_factor} keep their
     * frequency (1), those above {@code original / low_freq_factor} are divided by {@code factor}, those between are
     * interpolated smoothly. As the converter computes them: the frequencies in float32 (a torch float32 tensor), the
     * rest in float64 (Python floats), rounded to float32 at the end; the archs reference file holds these values.
     */
    static float[] llama3Factors(HfConfig scaling, double base, int headDim) {
        double factor = scaling.number("factor", 8.0);
        double low = scaling.number("low_freq_factor", 1.0);
        double high = scaling.number("high_freq_factor", 4.0);
        double original = scaling.positiveInt("original_max_position_embeddings", 8192);
        float[] out = new float[headDim / 2];
        for (int i = 0; i < out.length; i++) {
            float freq = 1.0f / (float) Math.pow((float) base, (float) (2 * i) / headDim);
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < original / high) {
                out[i] = 1;
            } else if (wavelen > original / low) {
                out[i] = (float) factor;
            } else {
                double smooth = (original / wavelen - low) / (high - low);
                out[i] = (float) (1 / ((1 - smooth) / factor + smooth));
            }
        }
        return out;
    }
}
