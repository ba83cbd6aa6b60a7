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
    /**
     * The feed-forward uses GELU (tanh approximation, through ggml's float16 table) instead of SiLU: GeGLU when gated
     * (Gemma), GELU alone with {@link #UNGATED_FFN} (BERT).
     */
    GELU_FFN,
    /** The feed-forward has no gate: {@code Wdown · act(Wup · x)}, no {@code ffn_gate} (BERT). */
    UNGATED_FFN,
    /** Biases on the attention output and both feed-forward projections ({@code attn_output.bias}, {@code ffn_up.bias},
     * {@code ffn_down.bias}) (BERT); Q/K/V biases are {@link #QKV_BIAS}. */
    DENSE_BIASES,
    /**
     * Post-norm block (BERT): each sub-layer adds its input first and normalizes the sum,
     * {@code x = norm(x + f(x))} ({@code attn_output_norm}, {@code layer_output_norm}); no pre-norms, and no final
     * {@code output_norm} (the last block's output is already normalized).
     */
    NORM_AFTER_RESIDUAL,
    /** Norms are LayerNorm with a weight and a bias, epsilon {@code attention.layer_norm_epsilon}, not RMSNorm (BERT). */
    LAYER_NORM,
    /**
     * Learned absolute positions: row {@code pos} of {@code position_embd} is added to each token's embedding and there
     * is no RoPE (BERT).
     */
    ABSOLUTE_POSITIONS,
    /** The summed embedding is normalized ({@code token_embd_norm}) before the first block (BERT). */
    EMBEDDING_NORM
}
