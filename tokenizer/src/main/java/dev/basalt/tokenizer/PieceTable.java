package dev.basalt.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * The bytes each token contributes to decoded text, for vocabularies that write a space as {@code ▁} (U+2581)
 * and raw bytes as {@code <0xNN>} tokens: SentencePiece and WordPiece as llama.cpp converts them. Follows
 * llama.cpp's {@code token_to_piece}: normal tokens with {@code ▁} turned into a space, byte tokens their byte,
 * control and unknown tokens their text only when special tokens are rendered, user-defined tokens their text
 * as is, unused tokens nothing.
 */
final class PieceTable {
    static final String SPACE_MARK = "\u2581";
    private static final byte[] EMPTY = new byte[0];

    private final Vocabulary vocab;
    private final byte[][] pieces;

    /** @throws TokenizerException when a byte token's text is not {@code <0xNN>} */
    PieceTable(Vocabulary vocab) {
        this.vocab = vocab;
        this.pieces = new byte[vocab.size()][];
        for (int id = 0; id < pieces.length; id++) {
            pieces[id] = render(vocab, id);
        }
    }

    private static byte[] render(Vocabulary vocab, int id) {
        String text = vocab.token(id);
        int attr = vocab.attr(id);
        if ((attr & (TokenAttr.CONTROL | TokenAttr.UNKNOWN | TokenAttr.USER_DEFINED)) != 0) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if ((attr & TokenAttr.NORMAL) != 0) {
            return text.replace(SPACE_MARK, " ").getBytes(StandardCharsets.UTF_8);
        }
        if ((attr & TokenAttr.BYTE) != 0) {
            return new byte[] {(byte) byteValue(vocab, id)};
        }
        return EMPTY;
    }

    /**
     * The byte a {@code <0xNN>} token stands for.
     *
     * @throws TokenizerException when the token's text is not of that form
     */
    static int byteValue(Vocabulary vocab, int id) {
        String text = vocab.token(id);
        if (text.length() == 6 && text.startsWith("<0x") && text.endsWith(">")) {
            int hi = Character.digit(text.charAt(3), 16);
            int lo = Character.digit(text.charAt(4), 16);
            if (hi >= 0 && lo >= 0) {
                return hi << 4 | lo;
            }
        }
        throw new TokenizerException(vocab.source() + ": byte token " + id + " is \"" + text + "\", not <0xNN>");
    }

    /** A copy of the token's bytes, safe to hand out. */
    byte[] piece(int id, boolean renderSpecial) {
        return pieceView(id, renderSpecial).clone();
    }

    /**
     * The token's bytes without copying, for callers that only read them.
     *
     * @throws TokenizerException when {@code id} is out of range
     */
    byte[] pieceView(int id, boolean renderSpecial) {
        vocab.checkId(id);
        if (!renderSpecial && (vocab.attr(id) & (TokenAttr.CONTROL | TokenAttr.UNKNOWN)) != 0) {
            return EMPTY;
        }
        return pieces[id];
    }
}
