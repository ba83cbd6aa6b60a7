package dev.basalt.engine;

/**
 * Text generation was asked of a model made for embeddings: an encoder with non-causal attention (BERT), or a file
 * that declares a pooling (a converted sentence-transformers model such as Qwen3-Embedding).
 */
public final class EmbeddingOnlyModelException extends RuntimeException {

    public EmbeddingOnlyModelException(String source, ModelConfig config) {
        super(source + " is an embedding model (" + config.architecture() + ", "
                + (config.causalAttention() ? "pooling '" + config.pooling() + "'" : "non-causal attention")
                + "): it cannot generate text; use it for embeddings or reranking (Model.embed / Model.rerank, "
                + "basalt embed / rerank, POST /v1/embeddings / /v1/rerank)");
    }
}
