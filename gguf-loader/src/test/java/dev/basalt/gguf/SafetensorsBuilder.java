package dev.basalt.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors bytes for tests: tensors laid out back to back in the order added, an optional
 * {@code __metadata__} map, and optionally the header padded with trailing spaces to a multiple of 8 as the
 * Python/Rust library does. {@link #raw} writes any header text with any declared length, for malformed files.
 */
public final class SafetensorsBuilder {
    /** One tensor as written: dtype spelled as in the header, row-major shape, its bytes. */
    public record Entry(String name, String dtype, long[] shape, byte[] data) {}

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private boolean pad;

    public SafetensorsBuilder tensor(String name, String dtype, long[] shape, byte[] data) {
        entries.add(new Entry(name, dtype, shape.clone(), data.clone()));
        return this;
    }

    public SafetensorsBuilder metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Pads the header JSON with trailing spaces so the data section starts 8-aligned. */
    public SafetensorsBuilder padHeader() {
        pad = true;
        return this;
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The header JSON, including padding when requested. */
    public String headerJson() {
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            json.append("\"__metadata__\":{");
            int i = 0;
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                json.append(i++ > 0 ? "," : "").append(quote(e.getKey())).append(':').append(quote(e.getValue()));
            }
            json.append('}');
        }
        long offset = 0;
        for (Entry e : entries) {
            if (json.length() > 1) {
                json.append(',');
            }
            StringBuilder shape = new StringBuilder();
            for (long d : e.shape()) {
                shape.append(shape.isEmpty() ? "" : ",").append(d);
            }
            json.append(quote(e.name())).append(":{\"dtype\":").append(quote(e.dtype())).append(",\"shape\":[").append(shape)
                    .append("],\"data_offsets\":[").append(offset).append(',').append(offset + e.data().length).append("]}");
            offset += e.data().length;
        }
        json.append('}');
        if (pad) {
            int length = json.toString().getBytes(StandardCharsets.UTF_8).length;
            json.append(" ".repeat((8 - length % 8) % 8));
        }
        return json.toString();
    }

    /** The data section: every tensor's bytes back to back. */
    public byte[] dataSection() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        entries.forEach(e -> out.writeBytes(e.data()));
        return out.toByteArray();
    }

    public byte[] bytes() {
        return raw(headerJson(), dataSection());
    }

    public MemorySegment segment() {
        return MemorySegment.ofArray(bytes());
    }

    public Path write(Path file) throws IOException {
        Files.write(file, bytes());
        return file;
    }

    /** A file whose header length is the UTF-8 length of {@code headerJson}. */
    public static byte[] raw(String headerJson, byte[] data) {
        byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
        return raw(header.length, header, data);
    }

    /** A file declaring {@code headerLength} whatever {@code header} really holds. */
    public static byte[] raw(long headerLength, byte[] header, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(headerLength).put(header).put(data).array();
    }

    /** {@code n} bytes counting up from {@code seed}, so every tensor's bytes differ from its neighbours'. */
    public static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed * 31 + i * 7 + 1);
        }
        return b;
    }

    private static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
