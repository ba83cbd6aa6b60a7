package dev.basalt.engine;

import dev.basalt.gguf.Metadata;
import dev.basalt.gguf.MetadataException;

/**
 * The hyper-parameters of a model, read from GGUF metadata ({@code <arch>.*} keys) of a {@link ModelSource}.
 *
 * @param architecture {@code general.architecture}
 * @param embeddingLength model width
 * @param blockCount number of transformer blocks
 * @param headCount query heads
 * @param headCountKv key/value heads (grouped-query attention when fewer than {@code headCount})
 * @param feedForwardLength hidden size of the feed-forward network
 * @param contextLength the context length the model was trained for
 * @param keyLength size of one key (and query) head: {@code attention.key_length}, else width / heads
 * @param valueLength size of one value head: {@code attention.value_length}, else width / heads
 * @param ropeDimensionCount values of each head RoPE rotates ({@code rope.dimension_count}, default keyLength)
 * @param ropeFreqBase {@code rope.freq_base}, default 10000
 * @param ropeScaling {@code rope.scaling.*}
 * @param normEpsilon {@code attention.layer_norm_rms_epsilon}, or {@code attention.layer_norm_epsilon} for LayerNorm
 *     families
 * @param vocabSize {@code vocab_size}, else the token list's length, else the embedding's row count
 * @param ropeAttnFactor {@code rope.scaling.attn_factor} (LongRoPE's magnitude correction), default 1
 * @param ropeOriginalContextLength {@code rope.scaling.original_context_length}, else contextLength: beyond it
 *     LongRoPE's long factors apply
 * @param queryScale multiplies the query-key products: 1/sqrt(keyLength), or the family's exception
 * @param attentionSoftcap {@code attn_logit_softcapping}, 0 for none
 * @param finalSoftcap {@code final_logit_softcapping}, 0 for none
 * @param slidingWindow positions a local layer attends to (the query's included); 0: every layer global
 * @param slidingWindowPeriod with a window, layer l is local when {@code l % period < period - 1}
 * @param ropeFreqBaseLocal the RoPE base of local layers
 * @param ropeScalingLocal the RoPE scaling of local layers
 * @param causalAttention {@code attention.causal}, default true; false for encoders (BERT)
 * @param pooling the pooling the file declares ({@code pooling_type}); NONE when it declares none
 * @param classifierLabels outputs of a classification head: entries of {@code classifier.output_labels}, default 1
 */
public record ModelConfig(String architecture, int embeddingLength, int blockCount, int headCount, int headCountKv,
        int feedForwardLength, int contextLength, int keyLength, int valueLength, int ropeDimensionCount,
        float ropeFreqBase, RopeScaling ropeScaling, float normEpsilon, int vocabSize, float ropeAttnFactor,
        int ropeOriginalContextLength, float queryScale, float attentionSoftcap, float finalSoftcap,
        int slidingWindow, int slidingWindowPeriod, float ropeFreqBaseLocal, RopeScaling ropeScalingLocal,
        boolean causalAttention, Pooling pooling, int classifierLabels) {

    /**
     * Whether the model is made for embeddings, not text: its attention is not causal (an encoder cannot generate),
     * or its file declares a pooling (a converted sentence-transformers model, e.g. Qwen3-Embedding).
     */
    public boolean embeddingOnly() {
        return !causalAttention || pooling != Pooling.NONE;
    }

    /** Whether layer {@code layer} attends only to the last {@link #slidingWindow()} positions. */
    public boolean slidingLayer(int layer) {
        return slidingWindow > 0 && layer % slidingWindowPeriod < slidingWindowPeriod - 1;
    }

    /** Query width: heads * keyLength. */
    public int queryDim() {
        return headCount * keyLength;
    }

    /** Key width: kv heads * keyLength. */
    public int keyDim() {
        return headCountKv * keyLength;
    }

    /** Value width: kv heads * valueLength. */
    public int valueDim() {
        return headCountKv * valueLength;
    }

    /**
     * Reads the configuration of {@code family} from {@code file}'s metadata.
     *
     * @throws MetadataException when a required key is missing or a value is out of range
     */
    public static ModelConfig read(ModelSource file, ModelFamily family) {
        Metadata md = file.metadata();
        String src = file.source();
        int width = positive(md, family.key("embedding_length"), md.getInt(family.key("embedding_length")));
        int blocks = positive(md, family.key("block_count"), md.getInt(family.key("block_count")));
        int heads = positive(md, family.key("attention.head_count"), md.getInt(family.key("attention.head_count")));
        int kvHeads = positive(md, family.key("attention.head_count_kv"),
                md.getInt(family.key("attention.head_count_kv"), heads));
        if (heads % kvHeads != 0) {
            throw new MetadataException(src, family.key("attention.head_count_kv"),
                    kvHeads + " does not divide the head count " + heads);
        }
        int ffn = positive(md, family.key("feed_forward_length"), md.getInt(family.key("feed_forward_length")));
        int ctx = positive(md, family.key("context_length"), md.getInt(family.key("context_length")));
        if (width % heads != 0 && !md.has(family.key("attention.key_length"))) {
            throw new MetadataException(src, family.key("embedding_length"),
                    width + " is not a multiple of the head count " + heads + " and no key_length is given");
        }
        int keyLength = positive(md, family.key("attention.key_length"),
                md.getInt(family.key("attention.key_length"), width / heads));
        int valueLength = positive(md, family.key("attention.value_length"),
                md.getInt(family.key("attention.value_length"), width / heads));
        int ropeDims = md.getInt(family.key("rope.dimension_count"), keyLength);
        if (ropeDims <= 0 || ropeDims % 2 != 0 || ropeDims > keyLength) {
            throw new MetadataException(src, family.key("rope.dimension_count"),
                    ropeDims + " must be even, positive and at most the head size " + keyLength);
        }
        float freqBase = md.getFloat(family.key("rope.freq_base"), 10000.0f);
        float eps = md.getFloat(family.key(family.has(BlockTrait.LAYER_NORM) ? "attention.layer_norm_epsilon"
                : "attention.layer_norm_rms_epsilon"));
        RopeScaling scaling = RopeScaling.NONE;
        if (md.has(family.key("rope.scaling.type"))) {
            String type = md.getString(family.key("rope.scaling.type"));
            float factor = md.getFloat(family.key("rope.scaling.factor"), 1.0f);
            scaling = new RopeScaling(type, factor);
        } else if (md.has(family.key("rope.scale_linear"))) {
            scaling = new RopeScaling("linear", md.getFloat(family.key("rope.scale_linear")));
        }
        int vocab;
        if (md.has(family.key("vocab_size"))) {
            vocab = md.getInt(family.key("vocab_size"));
        } else if (md.has("tokenizer.ggml.tokens")) {
            vocab = md.getArray("tokenizer.ggml.tokens").length();
        } else if (file.hasTensor(family.tokenEmbedding())) {
            vocab = (int) file.tensor(family.tokenEmbedding()).dim(1);
        } else {
            throw new MetadataException(src, family.key("vocab_size"), "missing, and no token list or embedding to infer it from");
        }
        positive(md, family.key("vocab_size"), vocab);
        float attnFactor = md.getFloat(family.key("rope.scaling.attn_factor"), 1.0f);
        int originalCtx = positive(md, family.key("rope.scaling.original_context_length"),
                md.getInt(family.key("rope.scaling.original_context_length"), ctx));
        float queryScale = (float) (1.0 / Math.sqrt(family.wideQueryBlockCount() == blocks ? width / heads : keyLength));
        float attnSoftcap = nonNegative(md, family.key("attn_logit_softcapping"));
        float finalSoftcap = nonNegative(md, family.key("final_logit_softcapping"));
        int window = 0;
        int period = 1;
        float localBase = freqBase;
        RopeScaling localScaling = scaling;
        SlidingWindowLayout layout = family.slidingWindow();
        if (layout != null) {
            window = md.getInt(family.key("attention.sliding_window"), layout.defaultWindow());
            period = md.getInt(family.key("attention.sliding_window_pattern"), layout.defaultPeriod());
            if (window < 0 || period < 1) {
                throw new MetadataException(src, family.key("attention.sliding_window"),
                        "window " + window + " and pattern " + period + " must be >= 0 and >= 1");
            }
            localBase = md.getFloat(family.key("rope.freq_base_swa"), layout.localRopeFollowsGlobal() ? freqBase : 10000.0f);
            localScaling = layout.localRopeFollowsGlobal() ? scaling : RopeScaling.NONE;
        }
        boolean causal = md.getBoolean(family.key("attention.causal"), true);
        Pooling pooling = Pooling.declared(md, family.key("pooling_type"));
        int labels = md.has(family.key("classifier.output_labels"))
                ? positive(md, family.key("classifier.output_labels"), md.getStringArray(family.key("classifier.output_labels")).length)
                : 1;
        return new ModelConfig(family.architecture(), width, blocks, heads, kvHeads, ffn, ctx, keyLength, valueLength,
                ropeDims, freqBase, scaling, eps, vocab, attnFactor, originalCtx, queryScale, attnSoftcap, finalSoftcap,
                window, period, localBase, localScaling, causal, pooling, labels);
    }

    private static float nonNegative(Metadata md, String key) {
        float v = md.getFloat(key, 0.0f);
        if (!(v >= 0) || Float.isInfinite(v)) {
            throw new MetadataException(md.source(), key, "must be a finite value >= 0, got " + v);
        }
        return v;
    }

    private static int positive(Metadata md, String key, int v) {
        if (v <= 0) {
            throw new MetadataException(md.source(), key, "must be positive, got " + v);
        }
        return v;
    }
}
