package dev.basalt.tokenizer;

import java.nio.charset.StandardCharsets;

/** Text to the token ids a model was trained with, and ids back to text. Implementations are thread-safe. */
public interface Tokenizer {

    Vocabulary vocabulary();

    /**
     * The ids of {@code text}.
     *
     * @param addSpecial add BOS / EOS (or CLS / SEP) as the vocabulary asks
     * @param parseSpecial turn control-token text such as {@code <|eot_id|>} into that token (chat templates ask
     *     for it; user text must not); user-defined added tokens are always matched, as in llama.cpp
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /** Plain text, no special tokens added or parsed. */
    default int[] encode(String text) {
        return encode(text, false, false);
    }

    /**
     * The bytes token {@code id} contributes to the output: byte-fallback tokens their byte, SentencePiece's
     * {@code ▁} a space, byte-level BPE its raw bytes. Control tokens give their text only when
     * {@code renderSpecial}, otherwise nothing.
     *
     * @throws TokenizerException when {@code id} is out of range
     */
    byte[] pieceBytes(int id, boolean renderSpecial);

    /**
     * The text of {@code ids}, as the model's own tokenizer decodes it (SentencePiece drops the space it added in
     * front of the first word). Bytes that are not valid UTF-8 become U+FFFD.
     */
    default String decode(int[] ids) {
        return decode(ids, false);
    }

    String decode(int[] ids, boolean renderSpecial);

    /** Concatenates the pieces of {@code ids} (no leading-space handling) and decodes UTF-8 with replacement. */
    static String concatenatePieces(Tokenizer t, int[] ids, boolean renderSpecial) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int id : ids) {
            out.writeBytes(t.pieceBytes(id, renderSpecial));
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
