package dev.basalt.tokenizer;

/**
 * The vocabulary's marker tokens (-1 where the vocabulary has none) and whether encoding with special tokens
 * adds BOS at the start and EOS at the end.
 */
public record SpecialTokens(int bos, int eos, int eot, int eom, int unk, int sep, int pad, int cls, int mask,
        boolean addBos, boolean addEos) {

    public static final int NONE = -1;

    /** Whether {@code id} ends generation (EOS, EOT or EOM). */
    public boolean isEndOfGeneration(int id) {
        return id != NONE && (id == eos || id == eot || id == eom);
    }
}
