package dev.basalt.engine;

import dev.basalt.gguf.Metadata;
import dev.basalt.gguf.MetadataException;
import java.util.Arrays;
import java.util.Locale;

/**
 * How the final hidden states of a sequence become its embedding, as llama.cpp's {@code llama_pooling_type} (the
 * GGUF key {@code <arch>.pooling_type} holds the id).
 */
public enum Pooling {
    /** No pooling: every token's hidden state (per-token embeddings). */
    NONE(0),
    /** The average of every token's state, special tokens included. */
    MEAN(1),
    /** The state of the first token ([CLS] in BERT). */
    CLS(2),
    /** The state of the last token (decoder embedding models, e.g. Qwen3-Embedding, whose inputs end with EOS). */
    LAST(3),
    /** The first token's state through the classification head: one raw score per label (rerankers). */
    RANK(4);

    /** The GGUF / llama.cpp id. */
    public final int id;

    Pooling(int id) {
        this.id = id;
    }

    /** The pooling a file declares; NONE when it declares none (llama.cpp's default). */
    static Pooling declared(Metadata md, String key) {
        if (!md.has(key)) {
            return NONE;
        }
        long id = md.getLong(key);
        if (id == -1 || id == 0xFFFF_FFFFL) { // LLAMA_POOLING_TYPE_UNSPECIFIED, signed or as a uint32
            return NONE;
        }
        for (Pooling p : values()) {
            if (p.id == id) {
                return p;
            }
        }
        throw new MetadataException(md.source(), key, "is " + id + "; known pooling types: 0 none, 1 mean, 2 cls, 3 last, 4 rank");
    }

    /**
     * The pooling named {@code name} (case-insensitive: none, mean, cls, last, rank).
     *
     * @throws IllegalArgumentException naming the known ones
     */
    public static Pooling parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown pooling '" + name + "'; known: "
                    + Arrays.stream(values()).map(p -> p.name().toLowerCase(Locale.ROOT)).toList());
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
