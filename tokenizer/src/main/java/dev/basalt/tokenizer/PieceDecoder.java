package dev.basalt.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns one token's text into the bytes it contributes to decoded output: GPT-2 byte characters back to bytes,
 * {@code <0xXX>} byte-fallback tokens to their byte, {@code ▁} to a space. A chain of per-token steps, as
 * Hugging Face decoders are ({@code Fuse} only joins tokens, which concatenating pieces already does).
 */
public final class PieceDecoder {

    /** One decoding step. */
    public sealed interface Step {
    }

    /** Replaces every occurrence of {@code from} by {@code to} in the token text. */
    public record Replace(String from, String to) implements Step {
    }

    /** A {@code <0xXX>} token is the byte XX. */
    public record ByteFallback() implements Step {
    }

    /** The token text is GPT-2 byte characters ({@link ByteLevelMapping}). */
    public record ByteLevel() implements Step {
    }

    /** GGUF byte-level BPE: every piece is byte characters. */
    public static final PieceDecoder BYTE_LEVEL = new PieceDecoder(List.of(new ByteLevel()), false);

    private final List<Step> steps;
    private final boolean decodeUserDefined;

    /**
     * @param decodeUserDefined whether user-defined (added, non-control) tokens go through the steps too, as in
     *     Hugging Face; llama.cpp gives their text as it is
     */
    public PieceDecoder(List<Step> steps, boolean decodeUserDefined) {
        this.steps = List.copyOf(steps);
        this.decodeUserDefined = decodeUserDefined;
    }

    /**
     * The bytes of token {@code id}: control (and unknown) tokens give their text only when {@code renderSpecial}.
     *
     * @throws TokenizerException when {@code id} is out of range
     */
    public byte[] pieceBytes(Vocabulary vocab, int id, boolean renderSpecial) {
        String text = vocab.token(id);
        int attr = vocab.attr(id);
        if ((attr & (TokenAttr.CONTROL | TokenAttr.UNKNOWN)) != 0) {
            return renderSpecial ? text.getBytes(StandardCharsets.UTF_8) : new byte[0];
        }
        if ((attr & TokenAttr.USER_DEFINED) != 0 && !decodeUserDefined) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        return decode(text);
    }

    /** The bytes of a token text after the steps. */
    public byte[] decode(String text) {
        String s = text;
        for (Step step : steps) {
            switch (step) {
                case Replace r -> s = s.replace(r.from(), r.to());
                case ByteFallback b -> {
                    int value = byteToken(s);
                    if (value >= 0) {
                        return new byte[] {(byte) value};
                    }
                }
                case ByteLevel b -> {
                    return ByteLevelMapping.decode(s);
                }
            }
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The byte of a {@code <0xXX>} token text, or -1. */
    static int byteToken(String s) {
        if (s.length() != 6 || !s.startsWith("<0x") || s.charAt(5) != '>') {
            return -1;
        }
        int hi = Character.digit(s.charAt(3), 16);
        int lo = Character.digit(s.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }
}
