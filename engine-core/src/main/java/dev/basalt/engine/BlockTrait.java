package dev.basalt.engine;

/**
 * One way a family's transformer block departs from the common (Llama) block. {@link Transformer} checks each
 * trait at the one place it matters; {@link ModelFamily#layerTensors()} derives the tensors a block needs from them.
 */
public enum BlockTrait {
    /** Biases {@code attn_q/k/v.bias} added right after the Q/K/V projections, before RoPE (Qwen2). */
    QKV_BIAS,
    /** RMSNorm over each query and key head ({@code attn_q_norm}, {@code attn_k_norm}), before RoPE (Qwen3, Gemma 3). */
    QK_NORM,
    /** One {@code attn_qkv} projection whose output rows are [Q | K | V] (Phi-3); split into row views at load. */
    FUSED_QKV,
    /** {@code ffn_up} holds [gate | up] rows and there is no {@code ffn_gate} (Phi-3); split into row views at load. */
    FUSED_GATE_UP,
    /**
     * RMSNorm of the attention and the feed-forward outputs before they join the residual
     * ({@code post_attention_norm}, {@code post_ffw_norm}) (Gemma 2/3).
     */
    POST_NORMS,
    /** The looked-up embedding is multiplied by sqrt(embedding_length) (Gemma). */
    SCALED_EMBEDDING,
    /** The gated feed-forward uses GELU (tanh approximation) instead of SiLU: GeGLU (Gemma). */
    GELU_FFN
}
