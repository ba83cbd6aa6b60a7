package dev.basalt.engine;

/** Why a generation ended. */
public enum StopReason {
    /** The model produced an end-of-generation token (EOS, EOT, EOM). */
    END_OF_GENERATION,
    /** The output contained one of the stop strings. */
    STOP_STRING,
    /** The output is a complete sentence of the grammar and the grammar allows nothing more. */
    GRAMMAR_COMPLETE,
    /** The requested number of tokens was generated. */
    MAX_TOKENS,
    /** The KV cache is full (only when no token limit was given). */
    CONTEXT_FULL
}
