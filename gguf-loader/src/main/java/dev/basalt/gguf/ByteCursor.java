package dev.basalt.gguf;

import dev.basalt.tensor.codec.LittleEndian;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Reads little-endian fields from a file's mapping, checking every read against the end of the file so that
 * a truncated or lying file fails with a {@link ModelFormatException} naming the offset, never with an
 * IndexOutOfBoundsException or a huge allocation.
 */
final class ByteCursor {
    private final MemorySegment bytes;
    private final String source;
    private long position;
    /** Reused for string bytes: a vocabulary has hundreds of thousands of short strings. */
    private byte[] scratch = new byte[256];

    ByteCursor(MemorySegment bytes, String source) {
        this.bytes = bytes;
        this.source = source;
    }

    long position() {
        return position;
    }

    void seek(long position) {
        this.position = position;
    }

    long remaining() {
        return bytes.byteSize() - position;
    }

    long size() {
        return bytes.byteSize();
    }

    String source() {
        return source;
    }

    ModelFormatException error(long offset, String problem) {
        return new ModelFormatException(source, offset, problem);
    }

    void require(long n, String what) {
        if (n < 0 || n > remaining()) {
            throw error(position, "file truncated: " + what + " needs " + (n < 0 ? Long.toUnsignedString(n) : n)
                    + " bytes, only " + remaining() + " remain of " + size());
        }
    }

    int u8(String what) {
        require(1, what);
        return LittleEndian.u8(bytes, position++);
    }

    int u16(String what) {
        require(2, what);
        int v = LittleEndian.u16(bytes, position);
        position += 2;
        return v;
    }

    int i32(String what) {
        require(4, what);
        int v = LittleEndian.i32(bytes, position);
        position += 4;
        return v;
    }

    long u32(String what) {
        return i32(what) & 0xFFFFFFFFL;
    }

    long i64(String what) {
        require(8, what);
        long v = bytes.get(LittleEndian.LONG, position);
        position += 8;
        return v;
    }

    float f32(String what) {
        return Float.intBitsToFloat(i32(what));
    }

    double f64(String what) {
        return Double.longBitsToDouble(i64(what));
    }

    /** A GGUF string: u64 byte length, then UTF-8 bytes (no terminator). */
    String string(String what) {
        return string(what, -1);
    }

    /** Element {@code index} of a string array (the description is only built when it is needed for an error). */
    String string(String what, int index) {
        long at = position;
        if (remaining() < 8) {
            require(8, describe(what, index) + " length");
        }
        long length = bytes.get(LittleEndian.LONG, position);
        position += 8;
        if (length < 0 || length > remaining()) {
            throw error(at, describe(what, index) + " claims " + Long.toUnsignedString(length) + " bytes but only "
                    + remaining() + " remain in the file");
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw error(at, describe(what, index) + " of " + length + " bytes is longer than a Java string can be");
        }
        int n = (int) length;
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
        }
        MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, position, scratch, 0, n);
        position += n;
        return new String(scratch, 0, n, StandardCharsets.UTF_8);
    }

    private static String describe(String what, int index) {
        return index < 0 ? what : what + " element " + index;
    }

    void bytes(byte[] dst, String what) {
        require(dst.length, what);
        MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, position, dst, 0, dst.length);
        position += dst.length;
    }
}
