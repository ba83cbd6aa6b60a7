package dev.basalt.benchmarks;

import dev.basalt.tensor.GgmlType;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code basalt synth --type} means: which ggml type each 2-D weight of a model is stored in. Norms and
 * {@code rope_freqs} are always F32, as llama.cpp's quantizer leaves them.
 *
 * <p>A plain type name ({@code Q4_0}, {@code Q8_0}, {@code F16}, {@code Q4_K}, ...) stores every 2-D weight in that
 * type, like {@code llama-quantize --pure}. {@code Q4_K_M} and {@code Q5_K_M} follow llama.cpp's mixed recipe
 * ({@code llama_tensor_get_type} in {@code src/llama-quant.cpp}) for a Llama model without experts:
 * <ul>
 * <li>{@code output.weight}, or {@code token_embd.weight} when the embeddings are tied: Q6_K;
 * <li>{@code attn_v.weight} and {@code ffn_down.weight} of the layers where {@code use_more_bits} holds (the
 *     first and last eighth of the layers and every third one between): Q6_K;
 * <li>everything else (q, k, output projection, gate, up, an untied {@code token_embd}): Q4_K, resp. Q5_K.
 * </ul>
 *
 * @param name as given on the command line, upper case
 * @param base the type of every 2-D weight the recipe does not single out
 * @param mixed whether the K-quant mixed recipe applies
 * @param fileType llama.cpp's {@code general.file_type} ({@code enum llama_ftype}) for this format, -1 if none fits
 */
public record WeightFormat(String name, GgmlType base, boolean mixed, int fileType) {

    /** {@code enum llama_ftype} values of the formats that have one (include/llama.h). */
    private static final Map<String, Integer> FILE_TYPES = Map.ofEntries(Map.entry("F32", 0), Map.entry("F16", 1),
            Map.entry("Q4_0", 2), Map.entry("Q4_1", 3), Map.entry("Q8_0", 7), Map.entry("Q5_0", 8),
            Map.entry("Q5_1", 9), Map.entry("Q4_K_M", 15), Map.entry("Q5_K_M", 17), Map.entry("Q6_K", 18),
            Map.entry("IQ4_NL", 25), Map.entry("IQ4_XS", 30), Map.entry("BF16", 32));

    /**
     * Parses a {@code --type} value (case-insensitive).
     *
     * @throws IllegalArgumentException naming the value when it is neither a recipe nor a type with a quantizer
     */
    public static WeightFormat parse(String value) {
        String name = value.toUpperCase(Locale.ROOT);
        int fileType = FILE_TYPES.getOrDefault(name, -1);
        switch (name) {
            case "Q4_K_M":
                return new WeightFormat(name, GgmlType.Q4_K, true, fileType);
            case "Q5_K_M":
                return new WeightFormat(name, GgmlType.Q5_K, true, fileType);
            default:
                GgmlType t = GgmlType.fromName(name);
                if (t == null) {
                    throw new IllegalArgumentException("unknown weight type '" + value
                            + "' (a ggml type such as Q4_0, Q8_0, F16, Q4_K, or the recipes Q4_K_M, Q5_K_M)");
                }
                if (!t.codec().canQuantize()) {
                    throw new IllegalArgumentException("Basalt has no quantizer for " + t + "; it can only read it");
                }
                return new WeightFormat(name, t, false, fileType);
        }
    }

    /** The name of a {@code general.file_type} value, if it is one of the formats above. */
    public static Optional<String> nameOfFileType(int fileType) {
        return FILE_TYPES.entrySet().stream().filter(e -> e.getValue() == fileType).map(Map.Entry::getKey).findFirst();
    }

    /**
     * The type of one 2-D weight.
     *
     * @param tensorName its GGUF name, e.g. {@code blk.3.attn_v.weight}
     * @param layer its layer, or -1 outside the blocks
     * @param shape the model, for the number of layers and whether the embeddings are tied
     */
    public GgmlType typeOf(String tensorName, int layer, ModelShape shape) {
        if (!mixed) {
            return base;
        }
        boolean outputProjection = tensorName.equals("output.weight")
                || (shape.tied() && tensorName.equals("token_embd.weight"));
        boolean moreBitsLayer = (tensorName.endsWith("attn_v.weight") || tensorName.endsWith("ffn_down.weight"))
                && useMoreBits(layer, shape.layers());
        return outputProjection || moreBitsLayer ? GgmlType.Q6_K : base;
    }

    /** llama.cpp's {@code use_more_bits}: the first and last eighth of the layers, and every third between. */
    static boolean useMoreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }

    @Override
    public String toString() {
        return name;
    }
}
