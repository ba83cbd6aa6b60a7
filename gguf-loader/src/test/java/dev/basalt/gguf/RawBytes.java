package dev.basalt.gguf;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds model-file bytes field by field, so tests can write exactly the malformed file they mean. */
final class RawBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    RawBytes u8(int v) {
        out.write(v);
        return this;
    }

    RawBytes u32(long v) {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        return this;
    }

    RawBytes u64(long v) {
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        return this;
    }

    RawBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        out.writeBytes(b);
        return this;
    }

    RawBytes ascii(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    RawBytes zeros(int n) {
        out.writeBytes(new byte[n]);
        return this;
    }

    /** Pads with zeros to a multiple of {@code alignment}. */
    RawBytes padTo(int alignment) {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    MemorySegment segment() {
        return MemorySegment.ofArray(bytes());
    }

    /** A GGUF header: magic, version, counts. */
    static RawBytes gguf(long version, long tensors, long kvs) {
        return new RawBytes().ascii("GGUF").u32(version).u64(tensors).u64(kvs);
    }
}
