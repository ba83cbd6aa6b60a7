package dev.basalt.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns generated tokens into text as they arrive. A token that ends inside a multi-byte UTF-8 character (byte
 * fallback tokens, byte-level BPE pieces) is held back until the character completes; bytes that can never
 * form valid UTF-8 come out as U+FFFD, nothing else does. Not thread-safe: one per generation stream.
 */
public final class StreamingDetokenizer {
    private final Tokenizer tokenizer;
    private final boolean renderSpecial;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final CharBuffer chars = CharBuffer.allocate(256);

    public StreamingDetokenizer(Tokenizer tokenizer, boolean renderSpecial) {
        this.tokenizer = tokenizer;
        this.renderSpecial = renderSpecial;
    }

    /** The text that token {@code id} completes (possibly empty while a character is incomplete). */
    public String push(int id) {
        pending.writeBytes(tokenizer.pieceBytes(id, renderSpecial));
        return drain(false);
    }

    /** Whatever is still held back, with an incomplete trailing character as U+FFFD; the stream can go on after. */
    public String flush() {
        String s = drain(true);
        decoder.reset();
        return s;
    }

    private String drain(boolean endOfInput) {
        ByteBuffer in = ByteBuffer.wrap(pending.toByteArray());
        StringBuilder out = new StringBuilder();
        while (true) {
            chars.clear();
            CoderResult r = decoder.decode(in, chars, endOfInput);
            chars.flip();
            out.append(chars);
            if (!r.isOverflow()) {
                break;
            }
        }
        if (endOfInput) {
            chars.clear();
            decoder.flush(chars);
            chars.flip();
            out.append(chars);
        }
        // Keep the bytes of a character that has not completed yet.
        byte[] rest = new byte[in.remaining()];
        in.get(rest);
        pending.reset();
        pending.writeBytes(rest);
        return out.toString();
    }
}
