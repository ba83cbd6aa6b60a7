package dev.basalt.engine.hf;

import dev.basalt.engine.ModelFamily.LayerTensor;
import java.util.Comparator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hugging Face tensor names to GGUF's, as llama.cpp's converter maps them ({@code gguf-py/gguf/tensor_mapping.py}),
 * with the layout transform each one needs. HF stores a linear layer's weight as {@code [out, in]} row-major, which
 * is exactly ggml's {@code [in, out]}: no tensor is transposed.
 */
final class HfTensorNames {
    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)");

    /** What a GGUF tensor needs done to the HF tensor's bytes. */
    enum Transform {
        /** A view of the mapped bytes as they are. */
        NONE,
        /** Llama's query rows reordered from rotate-half to interleaved pairs, per query head. */
        PERMUTE_Q,
        /** The same for the key rows, per key/value head. */
        PERMUTE_K,
        /** Gemma's norm weight {@code w} stored as {@code w + 1}, as F32. */
        NORM_PLUS_ONE
    }

    /** The GGUF name of an HF tensor and the transform it needs. */
    record Mapped(String ggufName, Transform transform) {
    }

    /** The per-layer names every family shares (the rest differ: see {@link #layerTensor}). */
    private static final Map<String, LayerTensor> COMMON = Map.ofEntries(
            Map.entry("input_layernorm.weight", LayerTensor.ATTN_NORM),
            Map.entry("self_attn.q_proj.weight", LayerTensor.ATTN_Q),
            Map.entry("self_attn.k_proj.weight", LayerTensor.ATTN_K),
            Map.entry("self_attn.v_proj.weight", LayerTensor.ATTN_V),
            Map.entry("self_attn.q_proj.bias", LayerTensor.ATTN_Q_BIAS),
            Map.entry("self_attn.k_proj.bias", LayerTensor.ATTN_K_BIAS),
            Map.entry("self_attn.v_proj.bias", LayerTensor.ATTN_V_BIAS),
            Map.entry("self_attn.qkv_proj.weight", LayerTensor.ATTN_QKV),
            Map.entry("self_attn.q_norm.weight", LayerTensor.ATTN_Q_NORM),
            Map.entry("self_attn.k_norm.weight", LayerTensor.ATTN_K_NORM),
            Map.entry("self_attn.o_proj.weight", LayerTensor.ATTN_OUTPUT),
            Map.entry("pre_feedforward_layernorm.weight", LayerTensor.FFN_NORM),
            Map.entry("post_feedforward_layernorm.weight", LayerTensor.FFN_POST_NORM),
            Map.entry("mlp.gate_proj.weight", LayerTensor.FFN_GATE),
            Map.entry("mlp.up_proj.weight", LayerTensor.FFN_UP),
            Map.entry("mlp.gate_up_proj.weight", LayerTensor.FFN_UP), // Phi-3: gate and up fused, as GGUF keeps them
            Map.entry("mlp.down_proj.weight", LayerTensor.FFN_DOWN));

    private HfTensorNames() {
    }

    /**
     * The GGUF name of {@code hfName}; null for tensors the converter drops (RoPE's cached {@code inv_freq}, an
     * {@code lm_head} of tied embeddings).
     *
     * @return null when dropped
     * @throws IllegalArgumentException when the name is not one of the architecture's
     */
    static Mapped map(String hfName, HfArchitecture arch, boolean tied) {
        if (hfName.endsWith(".rotary_emb.inv_freq")) {
            return null;
        }
        switch (hfName) {
            case "model.embed_tokens.weight":
                return new Mapped("token_embd.weight", Transform.NONE);
            case "model.norm.weight":
                return new Mapped("output_norm.weight", norm(arch));
            case "lm_head.weight":
                return tied ? null : new Mapped("output.weight", Transform.NONE);
            default:
                break;
        }
        Matcher m = LAYER.matcher(hfName);
        LayerTensor t = m.matches() ? layerTensor(m.group(2), arch) : null;
        if (t == null) {
            throw new IllegalArgumentException("tensor '" + hfName + "' is not one of " + arch.hfNames().get(0) + "'s");
        }
        Transform transform = switch (t) {
            case ATTN_Q -> arch.permuteQk() ? Transform.PERMUTE_Q : Transform.NONE;
            case ATTN_K -> arch.permuteQk() ? Transform.PERMUTE_K : Transform.NONE;
            case ATTN_NORM, FFN_NORM, ATTN_POST_NORM, FFN_POST_NORM, ATTN_Q_NORM, ATTN_K_NORM -> norm(arch);
            default -> Transform.NONE;
        };
        return new Mapped("blk." + Integer.parseInt(m.group(1)) + "." + t.ggufName(), transform);
    }

    private static LayerTensor layerTensor(String suffix, HfArchitecture arch) {
        if (suffix.equals("post_attention_layernorm.weight")) {
            return arch.postNormsAroundBlocks() ? LayerTensor.ATTN_POST_NORM : LayerTensor.FFN_NORM;
        }
        return COMMON.get(suffix);
    }

    private static Transform norm(HfArchitecture arch) {
        return arch.normPlusOne() ? Transform.NORM_PLUS_ONE : Transform.NONE;
    }

    /** GGUF file order: generated tensors, token embedding, blocks by index (each in block order), final norm, output. */
    static final Comparator<String> FILE_ORDER = Comparator.comparingLong(HfTensorNames::orderKey)
            .thenComparing(Comparator.naturalOrder());

    private static long orderKey(String ggufName) {
        if (ggufName.startsWith("blk.")) {
            int dot = ggufName.indexOf('.', 4);
            long layer = Long.parseLong(ggufName.substring(4, dot));
            String rest = ggufName.substring(dot + 1);
            int role = LayerTensor.values().length;
            for (LayerTensor t : LayerTensor.values()) {
                if (t.ggufName().equals(rest)) {
                    role = t.ordinal();
                }
            }
            return (2L << 40) + (layer << 8) + role;
        }
        return switch (ggufName) {
            case "token_embd.weight" -> 1L << 40;
            case "output_norm.weight" -> 3L << 40;
            case "output.weight" -> 4L << 40;
            default -> 0; // rope_freqs and LongRoPE factors come first, as the converter yields them first
        };
    }
}
