package dev.basalt.engine;

import dev.basalt.gguf.Metadata;
import dev.basalt.gguf.MetadataException;
import dev.basalt.gguf.MetadataValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sampling a model's publisher recommends: Hugging Face's {@code generation_config.json}, which llama.cpp's
 * converter carries into GGUF as {@code general.sampling.*}. A null value means the model does not say; callers
 * apply a value only where the user set none.
 *
 * @param temperature {@code temperature} / {@code general.sampling.temp}
 * @param topP {@code top_p} / {@code general.sampling.top_p}
 * @param topK {@code top_k} / {@code general.sampling.top_k}
 * @param endOfGenerationIds {@code eos_token_id} of {@code generation_config.json} (one id or a list): tokens that end
 *     generation besides the vocabulary's own end-of-generation tokens (Llama 3 Instruct lists {@code <|eot_id|>})
 */
public record GenerationDefaults(Float temperature, Float topP, Integer topK, int[] endOfGenerationIds) {
    public static final String TEMPERATURE_KEY = "general.sampling.temp";
    public static final String TOP_P_KEY = "general.sampling.top_p";
    public static final String TOP_K_KEY = "general.sampling.top_k";

    public static final GenerationDefaults NONE = new GenerationDefaults(null, null, null, new int[0]);

    public GenerationDefaults {
        endOfGenerationIds = endOfGenerationIds.clone();
    }

    @Override
    public int[] endOfGenerationIds() {
        return endOfGenerationIds.clone();
    }

    /**
     * The {@code general.sampling.*} keys of {@code md}.
     *
     * @throws MetadataException when one holds a value of the wrong type
     */
    public static GenerationDefaults fromMetadata(Metadata md) {
        return new GenerationDefaults(md.has(TEMPERATURE_KEY) ? md.getFloat(TEMPERATURE_KEY) : null,
                md.has(TOP_P_KEY) ? md.getFloat(TOP_P_KEY) : null, md.has(TOP_K_KEY) ? md.getInt(TOP_K_KEY) : null,
                new int[0]);
    }

    /** The {@code general.sampling.*} metadata of these defaults, as llama.cpp's converter writes them. */
    public Map<String, MetadataValue> toMetadata() {
        Map<String, MetadataValue> m = new LinkedHashMap<>();
        if (temperature != null) {
            m.put(TEMPERATURE_KEY, MetadataValue.f32(temperature));
        }
        if (topP != null) {
            m.put(TOP_P_KEY, MetadataValue.f32(topP));
        }
        if (topK != null) {
            m.put(TOP_K_KEY, MetadataValue.i32(topK));
        }
        return m;
    }

    /** {@code options} with each value the user left at its default ({@code userSet} false) replaced by this one. */
    public SamplingOptions applyTo(SamplingOptions options, boolean userSetTemperature, boolean userSetTopP,
            boolean userSetTopK) {
        SamplingOptions s = options;
        if (temperature != null && !userSetTemperature) {
            s = s.withTemperature(temperature);
        }
        if (topP != null && !userSetTopP) {
            s = s.withTopP(topP);
        }
        if (topK != null && !userSetTopK) {
            s = s.withTopK(topK);
        }
        return s;
    }
}
