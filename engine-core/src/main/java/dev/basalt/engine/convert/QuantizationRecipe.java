package dev.basalt.engine.convert;

import dev.basalt.tensor.GgmlType;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code --type} means for {@code convert}, {@code quantize} and {@code synth}: the ggml type of each tensor.
 * One-dimensional tensors (norms, biases, {@code rope_freqs}) always stay F32, as llama.cpp's converter and quantizer
 * leave them.
 *
 * <p>A plain type name ({@code F32}, {@code F16}, {@code BF16}, {@code Q8_0}, {@code Q4_0}, {@code Q4_K}, ...) stores
 * every 2-D weight in that type, like {@code llama-quantize --pure}. {@code Q4_K_M} and {@code Q5_K_M} follow
 * llama.cpp's mixed recipe ({@code llama_tensor_get_type} in {@code src/llama-quant.cpp}) for models without experts:
 * <ul>
 * <li>{@code output.weight}, or {@code token_embd.weight} when the embeddings are tied: Q6_K;
 * <li>{@code attn_v.weight} (Phi-3: the fused {@code attn_qkv.weight}) and {@code ffn_down.weight} of the layers where
 *     {@code use_more_bits} holds (the first and last eighth of the layers and every third one between): Q6_K;
 * <li>everything else (q, k, output projection, gate, up, an untied {@code token_embd}): Q4_K, resp. Q5_K.
 * </ul>
 * A K-quant needs rows of whole 256-value super-blocks; for a tensor whose rows are not, llama.cpp falls back to a
 * legacy type of about the same size (Q4_K to Q5_0, Q5_K to Q5_1, Q6_K to Q8_0, Q2_K/Q3_K to IQ4_NL), and so does
 * this recipe. Any other type whose blocks do not divide a row falls back to F16. The {@code _S}/{@code _L} recipes
 * and importance-matrix types are not offered.
 *
 * @param name as given on the command line, upper case
 * @param base the type of every 2-D weight the recipe does not single out
 * @param mixed whether the K-quant mixed recipe applies
 * @param fileType llama.cpp's {@code general.file_type} ({@code enum llama_ftype}) for this format, -1 if none fits
 */
public record QuantizationRecipe(String name, GgmlType base, boolean mixed, int fileType) {

    /** {@code enum llama_ftype} values of the formats that have one (include/llama.h). */
    private static final Map<String, Integer> FILE_TYPES = Map.ofEntries(Map.entry("F32", 0), Map.entry("F16", 1),
            Map.entry("Q4_0", 2), Map.entry("Q4_1", 3), Map.entry("Q8_0", 7), Map.entry("Q5_0", 8),
            Map.entry("Q5_1", 9), Map.entry("Q2_K", 10), Map.entry("Q4_K_M", 15), Map.entry("Q5_K_M", 17),
            Map.entry("Q6_K", 18), Map.entry("IQ4_NL", 25), Map.entry("IQ4_XS", 30), Map.entry("BF16", 32),
            Map.entry("TQ1_0", 36), Map.entry("TQ2_0", 37));

    /**
     * Parses a {@code --type} value (case-insensitive).
     *
     * @throws IllegalArgumentException naming the value when it is neither a recipe nor a type with a quantizer
     */
    public static QuantizationRecipe parse(String value) {
        String name = value.toUpperCase(Locale.ROOT);
        int fileType = FILE_TYPES.getOrDefault(name, -1);
        switch (name) {
            case "Q4_K_M":
                return new QuantizationRecipe(name, GgmlType.Q4_K, true, fileType);
            case "Q5_K_M":
                return new QuantizationRecipe(name, GgmlType.Q5_K, true, fileType);
            default:
                GgmlType t = GgmlType.fromName(name);
                if (t == null) {
                    throw new IllegalArgumentException("unknown weight type '" + value
                            + "' (a ggml type such as F16, BF16, Q8_0, Q4_0, Q6_K, or the recipes Q4_K_M, Q5_K_M)");
                }
                if (!t.codec().canQuantize() && t != GgmlType.F32) {
                    throw new IllegalArgumentException("Basalt has no quantizer for " + t + "; it can only read it");
                }
                return new QuantizationRecipe(name, t, false, fileType);
        }
    }

    /** The name of a {@code general.file_type} value, if it is one of the formats above. */
    public static Optional<String> nameOfFileType(int fileType) {
        return FILE_TYPES.entrySet().stream().filter(e -> e.getValue() == fileType).map(Map.Entry::getKey).findFirst();
    }

    /**
     * The type of one tensor.
     *
     * @param tensorName its GGUF name, e.g. {@code blk.3.attn_v.weight}
     * @param shape its ggml shape (row length first)
     * @param layers the model's block count
     * @param tied whether the model has no {@code output.weight} (the token embedding is the output projection)
     */
    public GgmlType typeOf(String tensorName, long[] shape, int layers, boolean tied) {
        if (shape.length < 2) {
            return GgmlType.F32;
        }
        GgmlType t = base;
        if (mixed) {
            boolean outputProjection = tensorName.equals("output.weight") || (tied && tensorName.equals("token_embd.weight"));
            boolean moreBits = (tensorName.endsWith("attn_v.weight") || tensorName.endsWith("attn_qkv.weight")
                    || tensorName.endsWith("ffn_down.weight")) && useMoreBits(layerOf(tensorName), layers);
            t = outputProjection || moreBits ? GgmlType.Q6_K : base;
        }
        return fitting(t, shape[0]);
    }

    /** {@code t}, or llama.cpp's fallback when its blocks do not divide a row of {@code rowLength} values. */
    static GgmlType fitting(GgmlType t, long rowLength) {
        if (rowLength % t.blockSize() == 0) {
            return t;
        }
        GgmlType fallback = switch (t) {
            case Q2_K, Q3_K, IQ4_XS -> GgmlType.IQ4_NL;
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            default -> GgmlType.F16;
        };
        return rowLength % fallback.blockSize() == 0 ? fallback : GgmlType.F16;
    }

    private static int layerOf(String tensorName) {
        if (!tensorName.startsWith("blk.")) {
            return -1;
        }
        return Integer.parseInt(tensorName.substring(4, tensorName.indexOf('.', 4)));
    }

    /** llama.cpp's {@code use_more_bits}: the first and last eighth of the layers, and every third between. */
    static boolean useMoreBits(int layer, int layers) {
        return layer >= 0 && (layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2);
    }

    @Override
    public String toString() {
        return name;
    }
}
