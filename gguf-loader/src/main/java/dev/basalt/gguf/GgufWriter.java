package dev.basalt.gguf;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Writes GGUF v3 files the way llama.cpp lays them out: header, metadata, tensor infos, padding to the
 * alignment, then the tensors in the order they were added, each padded to the alignment. Tensor bytes are
 * produced straight into the mapped output file by each tensor's {@link TensorContent}.
 */
public final class GgufWriter {
    private final Map<String, MetadataValue> metadata = new LinkedHashMap<>();
    private final List<Entry> tensors = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private int alignment = GgufFile.DEFAULT_ALIGNMENT;

    private record Entry(String name, GgmlType type, long[] shape, long byteSize, TensorContent content) {
    }

    /** Sets a metadata value (a later call for the same key replaces it, keeping its position). */
    public GgufWriter put(String key, MetadataValue value) {
        if (key.equals(GgufFile.ALIGNMENT_KEY)) {
            if (value.type() != GgufValueType.UINT32) {
                throw new IllegalArgumentException(GgufFile.ALIGNMENT_KEY + " must be UINT32");
            }
            long a = (Long) value.value();
            if (a == 0 || (a & (a - 1)) != 0 || a > 1 << 30) {
                throw new IllegalArgumentException(GgufFile.ALIGNMENT_KEY + " must be a power of two, got " + a);
            }
            alignment = (int) a;
        }
        metadata.put(key, value);
        return this;
    }

    /** Copies every metadata value of {@code source}, in its order. */
    public GgufWriter putAll(Metadata source) {
        source.asMap().forEach(this::put);
        return this;
    }

    /** Adds a tensor; {@code shape} is in ggml order (innermost first). */
    public GgufWriter tensor(String name, GgmlType type, long[] shape, TensorContent content) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        }
        if (shape.length > GgufFile.MAX_DIMS) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + shape.length + " dimensions, at most " + GgufFile.MAX_DIMS);
        }
        tensors.add(new Entry(name, type, shape.clone(), Tensor.byteSize(type, shape), content));
        return this;
    }

    /** Adds a copy of an existing tensor view. */
    public GgufWriter tensor(Tensor t) {
        return tensor(t.name(), t.type(), t.shape(), TensorContent.copyOf(t.data()));
    }

    /** Writes the file. */
    public void write(Path out) throws IOException {
        write(out, bytes -> { });
    }

    /**
     * Writes the file, reporting the bytes of tensor data written so far after each tensor.
     *
     * @return the size of the written file
     */
    public long write(Path out, LongConsumer progress) throws IOException {
        byte[] header = header();
        long dataOffset = GgufFile.align(header.length, alignment);
        long end = dataOffset;
        for (Entry e : tensors) {
            end += GgufFile.align(e.byteSize, alignment);
        }
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(header), 0);
            long offset = dataOffset;
            long written = 0;
            for (Entry e : tensors) {
                if (e.byteSize > 0) {
                    try (Arena arena = Arena.ofConfined()) {
                        e.content.writeTo(ch.map(FileChannel.MapMode.READ_WRITE, offset, e.byteSize, arena));
                    }
                }
                offset += GgufFile.align(e.byteSize, alignment);
                written += e.byteSize;
                progress.accept(written);
            }
            // Padding after the last tensor (and after the header when there are none), as llama.cpp writes it.
            if (ch.size() < end) {
                ch.write(ByteBuffer.allocate(1), end - 1);
            }
        }
        return end;
    }

    private byte[] header() {
        Out o = new Out();
        o.i32(GgufFile.MAGIC);
        o.i32(3);
        o.i64(tensors.size());
        o.i64(metadata.size());
        metadata.forEach((key, value) -> {
            o.string(key);
            o.i32(value.type().id());
            o.value(value.type(), value.value());
        });
        long offset = 0;
        for (Entry e : tensors) {
            o.string(e.name);
            o.i32(e.shape.length);
            for (long d : e.shape) {
                o.i64(d);
            }
            o.i32(e.type.id());
            o.i64(offset);
            offset += GgufFile.align(e.byteSize, alignment);
        }
        return o.toByteArray();
    }

    /** Little-endian field encoder for the header. */
    private static final class Out extends ByteArrayOutputStream {
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        void i32(int v) {
            write(scratch.clear().putInt(v).array(), 0, 4);
        }

        void i64(long v) {
            write(scratch.clear().putLong(v).array(), 0, 8);
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i64(b.length);
            write(b, 0, b.length);
        }

        void value(GgufValueType type, Object v) {
            switch (type) {
                case UINT8, INT8, BOOL -> write(type == GgufValueType.BOOL ? ((Boolean) v ? 1 : 0) : (Integer) v);
                case UINT16, INT16 -> {
                    int s = (Integer) v;
                    write(s);
                    write(s >>> 8);
                }
                case UINT32 -> i32((int) (long) (Long) v);
                case INT32 -> i32((Integer) v);
                case UINT64, INT64 -> i64((Long) v);
                case FLOAT32 -> i32(Float.floatToRawIntBits((Float) v));
                case FLOAT64 -> i64(Double.doubleToRawLongBits((Double) v));
                case STRING -> string((String) v);
                case ARRAY -> array((GgufArray) v);
            }
        }

        void array(GgufArray a) {
            i32(a.elementType().id());
            i64(a.length());
            Object values = a.values();
            for (int i = 0, n = a.length(); i < n; i++) {
                switch (a.elementType()) {
                    case UINT8, INT8 -> write(((byte[]) values)[i]);
                    case UINT16, INT16 -> {
                        short s = ((short[]) values)[i];
                        write(s);
                        write(s >>> 8);
                    }
                    case UINT32, INT32 -> i32(((int[]) values)[i]);
                    case UINT64, INT64 -> i64(((long[]) values)[i]);
                    case FLOAT32 -> i32(Float.floatToRawIntBits(((float[]) values)[i]));
                    case FLOAT64 -> i64(Double.doubleToRawLongBits(((double[]) values)[i]));
                    case BOOL -> write(((boolean[]) values)[i] ? 1 : 0);
                    case STRING -> string((String) Array.get(values, i));
                    case ARRAY -> array(((GgufArray[]) values)[i]);
                }
            }
        }
    }
}
