package dev.basalt.gguf;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF (v2 or v3, little-endian) model file mapped read-only into memory. The header, metadata and tensor
 * table are parsed and validated when the file is opened; tensor data stays in the mapping, and each
 * {@link Tensor} is a read-only slice of it. Closing the file unmaps it: tensors obtained from it must not
 * be used afterwards.
 *
 * <p>Format: magic "GGUF", u32 version, u64 tensor count, u64 metadata count, the metadata key/values, the
 * tensor infos (name, u32 rank, u64 dims, u32 ggml type, u64 offset), then at the next multiple of
 * {@code general.alignment} (default 32) the data section holding each tensor at its offset.
 */
public final class GgufFile implements AutoCloseable {
    /** "GGUF" read as a little-endian u32. */
    public static final int MAGIC = 0x46554747;
    public static final int DEFAULT_ALIGNMENT = 32;
    public static final String ALIGNMENT_KEY = "general.alignment";
    /** ggml tensors have at most four dimensions (GGML_MAX_DIMS). */
    public static final int MAX_DIMS = 4;
    /** Arrays nested deeper than this are refused (no real file nests at all; it bounds the recursion). */
    static final int MAX_ARRAY_NESTING = 8;

    private final String source;
    private final Arena arena;
    private final MemorySegment mapping;
    private final int version;
    private final Metadata metadata;
    private final List<GgufTensorInfo> tensorInfos;
    private final Map<String, GgufTensorInfo> byName;
    private final int alignment;
    private final long dataOffset;

    private GgufFile(String source, Arena arena, MemorySegment mapping, int version, Metadata metadata,
            List<GgufTensorInfo> tensorInfos, int alignment, long dataOffset) {
        this.source = source;
        this.arena = arena;
        this.mapping = mapping;
        this.version = version;
        this.metadata = metadata;
        this.tensorInfos = Collections.unmodifiableList(tensorInfos);
        this.alignment = alignment;
        this.dataOffset = dataOffset;
        Map<String, GgufTensorInfo> m = new HashMap<>();
        for (GgufTensorInfo t : tensorInfos) {
            m.put(t.name(), t);
        }
        this.byName = m;
    }

    /**
     * Maps and parses {@code path}.
     *
     * @throws ModelFormatException when the file is not a valid GGUF v2/v3 file
     * @throws IOException when it cannot be read
     */
    public static GgufFile open(Path path) throws IOException {
        return ReadOnlyMapping.open(path, "a GGUF file", GgufFile::parse);
    }

    /** Parses GGUF bytes already in memory; the caller keeps ownership of {@code bytes}. */
    public static GgufFile read(MemorySegment bytes, String source) {
        return parse(bytes.asReadOnly(), source, null);
    }

    private static GgufFile parse(MemorySegment bytes, String source, Arena arena) {
        ByteCursor in = new ByteCursor(bytes, source);
        int version = readHeader(in);
        long tensorCount = in.i64("tensor count");
        long kvCount = in.i64("metadata count");
        // Each entry takes some minimum of bytes, so a count the rest of the file cannot hold is a lie.
        checkCount(in, tensorCount, 8 + 4 + 4 + 8, "tensor count", 8);
        checkCount(in, kvCount, 8 + 4 + 1, "metadata count", 16);

        Map<String, MetadataValue> kv = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long at = in.position();
            String key = in.string("metadata key #" + i);
            MetadataValue value = readValue(in, key, 0);
            if (kv.putIfAbsent(key, value) != null) {
                throw in.error(at, "duplicate metadata key '" + key + "'");
            }
        }
        Metadata metadata = new Metadata(source, kv);
        int alignment = alignment(metadata);

        List<GgufTensorInfo> infos = new ArrayList<>((int) tensorCount);
        long[][] shapes = new long[(int) tensorCount][];
        GgmlType[] types = new GgmlType[(int) tensorCount];
        long[] offsets = new long[(int) tensorCount];
        String[] names = new String[(int) tensorCount];
        long[] infoAt = new long[(int) tensorCount];
        for (int i = 0; i < tensorCount; i++) {
            infoAt[i] = in.position();
            names[i] = in.string("name of tensor #" + i);
            String what = "tensor '" + names[i] + "'";
            long rank = in.u32(what + " rank");
            if (rank > MAX_DIMS) {
                throw in.error(in.position() - 4, what + " has " + rank + " dimensions, at most " + MAX_DIMS + " are allowed");
            }
            long[] shape = new long[(int) rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = in.i64(what + " dimension " + d);
                if (shape[d] < 0) {
                    throw in.error(in.position() - 8, what + " dimension " + d + " is " + Long.toUnsignedString(shape[d])
                            + ", beyond the signed 64-bit range");
                }
            }
            long typeId = in.u32(what + " type");
            types[i] = GgmlType.fromId(typeId);
            if (types[i] == null) {
                throw in.error(in.position() - 4, what + " has unknown ggml type id " + typeId);
            }
            shapes[i] = shape;
            offsets[i] = in.i64(what + " data offset");
        }
        long dataOffset = align(in.position(), alignment);
        long dataSize = bytes.byteSize() - dataOffset;
        if (tensorCount > 0 && dataSize < 0) {
            throw in.error(in.position(), "file truncated: the data section should start at byte " + dataOffset
                    + " but the file has " + bytes.byteSize() + " bytes");
        }
        for (int i = 0; i < tensorCount; i++) {
            String what = "tensor '" + names[i] + "'";
            long byteSize;
            try {
                byteSize = Tensor.byteSize(types[i], shapes[i]);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw in.error(infoAt[i], what + " " + types[i] + " " + java.util.Arrays.toString(shapes[i]) + ": "
                        + (e instanceof ArithmeticException ? "size overflows 64 bits" : e.getMessage()));
            }
            long offset = offsets[i];
            if (offset < 0 || offset % alignment != 0) {
                throw in.error(infoAt[i], what + " data offset " + Long.toUnsignedString(offset)
                        + " is not a multiple of the alignment " + alignment);
            }
            if (offset > dataSize || byteSize > dataSize - offset) {
                throw in.error(dataOffset + Math.min(offset, Math.max(dataSize, 0)), what + " needs " + byteSize
                        + " bytes at data offset " + offset + " but the data section ends after " + Math.max(dataSize, 0)
                        + " bytes (file truncated or tensor table corrupt)");
            }
            infos.add(new GgufTensorInfo(names[i], types[i], shapes[i], offset, dataOffset + offset, byteSize));
        }
        checkNamesAndOverlaps(in, infos, infoAt);
        return new GgufFile(source, arena, bytes, version, metadata, infos, alignment, dataOffset);
    }

    private static int readHeader(ByteCursor in) {
        if (in.size() < 4) {
            throw in.error(0, "file truncated: " + in.size() + " bytes, not even a GGUF magic");
        }
        int magic = in.i32("magic");
        if (magic != MAGIC) {
            throw in.error(0, String.format("not a GGUF file: expected magic 'GGUF' (47 47 55 46), found %02x %02x %02x %02x",
                    magic & 0xFF, (magic >>> 8) & 0xFF, (magic >>> 16) & 0xFF, magic >>> 24));
        }
        long version = in.u32("version");
        if (version == 1) {
            throw in.error(4, "GGUF v1 is not supported (it predates GGUF v2 of August 2023); re-convert the model"
                    + " with a current llama.cpp");
        }
        if (version == 2L << 24 || version == 3L << 24) {
            throw in.error(4, "big-endian GGUF v" + (version >>> 24) + " is not supported; use the little-endian file");
        }
        if (version != 2 && version != 3) {
            throw in.error(4, "unsupported GGUF version " + version + " (supported: 2, 3)");
        }
        return (int) version;
    }

    private static void checkCount(ByteCursor in, long count, int minEntryBytes, String what, long fieldOffset) {
        if (count < 0 || count > in.remaining() / minEntryBytes || count > Integer.MAX_VALUE - 8) {
            throw in.error(fieldOffset, what + " " + Long.toUnsignedString(count) + " cannot fit in the "
                    + in.remaining() + " bytes left in the file");
        }
    }

    private static MetadataValue readValue(ByteCursor in, String key, int depth) {
        long at = in.position();
        long typeId = in.u32("type of metadata '" + key + "'");
        GgufValueType type = GgufValueType.fromId(typeId);
        if (type == null) {
            throw in.error(at, "metadata '" + key + "' has unknown value type " + typeId + " (known: 0..12)");
        }
        String what = "metadata '" + key + "'";
        return switch (type) {
            case UINT8 -> new MetadataValue(type, in.u8(what));
            case INT8 -> new MetadataValue(type, (int) (byte) in.u8(what));
            case UINT16 -> new MetadataValue(type, in.u16(what));
            case INT16 -> new MetadataValue(type, (int) (short) in.u16(what));
            case UINT32 -> new MetadataValue(type, in.u32(what));
            case INT32 -> new MetadataValue(type, in.i32(what));
            case UINT64, INT64 -> new MetadataValue(type, in.i64(what));
            case FLOAT32 -> new MetadataValue(type, in.f32(what));
            case FLOAT64 -> new MetadataValue(type, in.f64(what));
            case BOOL -> new MetadataValue(type, readBool(in, what));
            case STRING -> new MetadataValue(type, in.string(what));
            case ARRAY -> new MetadataValue(type, readArray(in, key, depth));
        };
    }

    private static boolean readBool(ByteCursor in, String what) {
        int b = in.u8(what);
        if (b > 1) {
            throw in.error(in.position() - 1, what + " is a BOOL but holds byte " + b + ", expected 0 or 1");
        }
        return b == 1;
    }

    private static GgufArray readArray(ByteCursor in, String key, int depth) {
        String what = "metadata array '" + key + "'";
        long at = in.position();
        if (depth >= MAX_ARRAY_NESTING) {
            throw in.error(at, what + " nests arrays more than " + MAX_ARRAY_NESTING + " deep");
        }
        long typeId = in.u32(what + " element type");
        GgufValueType type = GgufValueType.fromId(typeId);
        if (type == null) {
            throw in.error(at, what + " has unknown element type " + typeId + " (known: 0..12)");
        }
        long count = in.i64(what + " length");
        if (count < 0 || count > in.remaining() / type.minBytes()) {
            throw in.error(at + 4, what + " claims " + Long.toUnsignedString(count) + " " + type + " elements, which cannot fit in the "
                    + in.remaining() + " bytes left in the file");
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw in.error(at + 4, what + " has " + count + " elements, more than a Java array holds");
        }
        int n = (int) count;
        Object values = switch (type) {
            case UINT8, INT8 -> {
                byte[] a = new byte[n];
                in.bytes(a, what);
                yield a;
            }
            case UINT16, INT16 -> {
                short[] a = new short[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (short) in.u16(what);
                }
                yield a;
            }
            case UINT32, INT32 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.i32(what);
                }
                yield a;
            }
            case UINT64, INT64 -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.i64(what);
                }
                yield a;
            }
            case FLOAT32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.f32(what);
                }
                yield a;
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.f64(what);
                }
                yield a;
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readBool(in, what);
                }
                yield a;
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.string(what, i);
                }
                yield a;
            }
            case ARRAY -> {
                GgufArray[] a = new GgufArray[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readArray(in, key + "[" + i + "]", depth + 1);
                }
                yield a;
            }
        };
        return new GgufArray(type, values);
    }

    private static int alignment(Metadata metadata) {
        Optional<MetadataValue> v = metadata.find(ALIGNMENT_KEY);
        if (v.isEmpty()) {
            return DEFAULT_ALIGNMENT;
        }
        if (v.get().type() != GgufValueType.UINT32) {
            throw new MetadataException(metadata.source(), ALIGNMENT_KEY, "is " + v.get().type() + ", expected UINT32");
        }
        long a = (Long) v.get().value();
        if (a == 0 || (a & (a - 1)) != 0 || a > 1 << 30) {
            throw new MetadataException(metadata.source(), ALIGNMENT_KEY, "is " + a + ", expected a power of two");
        }
        return (int) a;
    }

    private static void checkNamesAndOverlaps(ByteCursor in, List<GgufTensorInfo> infos, long[] infoAt) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < infos.size(); i++) {
            Integer previous = seen.putIfAbsent(infos.get(i).name(), i);
            if (previous != null) {
                throw in.error(infoAt[i], "duplicate tensor name '" + infos.get(i).name() + "' (tensors #" + previous + " and #" + i + ")");
            }
        }
        List<GgufTensorInfo> byOffset = new ArrayList<>(infos);
        byOffset.sort(Comparator.comparingLong(GgufTensorInfo::offset));
        for (int i = 1; i < byOffset.size(); i++) {
            GgufTensorInfo a = byOffset.get(i - 1);
            GgufTensorInfo b = byOffset.get(i);
            if (b.offset() < a.offset() + a.byteSize()) {
                throw in.error(b.fileOffset(), "tensor '" + b.name() + "' at data offset " + b.offset() + " overlaps tensor '"
                        + a.name() + "' (data offsets " + a.offset() + " to " + (a.offset() + a.byteSize()) + ")");
            }
        }
    }

    static long align(long offset, long alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }

    /** The path (or name) the file was read from. */
    public String source() {
        return source;
    }

    /** GGUF format version: 2 or 3. */
    public int version() {
        return version;
    }

    public Metadata metadata() {
        return metadata;
    }

    /** The tensor table in file order. */
    public List<GgufTensorInfo> tensorInfos() {
        return tensorInfos;
    }

    public int alignment() {
        return alignment;
    }

    /** Absolute byte offset of the data section. */
    public long dataOffset() {
        return dataOffset;
    }

    /** Size of the file in bytes. */
    public long fileSize() {
        return mapping.byteSize();
    }

    public boolean hasTensor(String name) {
        return byName.containsKey(name);
    }

    /** The tensor named {@code name} as a read-only view of the mapping, if present. */
    public Optional<Tensor> findTensor(String name) {
        GgufTensorInfo info = byName.get(name);
        return info == null ? Optional.empty() : Optional.of(view(info));
    }

    /** @throws ModelFormatException when the file has no such tensor */
    public Tensor tensor(String name) {
        GgufTensorInfo info = byName.get(name);
        if (info == null) {
            throw new ModelFormatException(source, -1, "no tensor named '" + name + "'");
        }
        return view(info);
    }

    /** Every tensor, in file order. */
    public List<Tensor> tensors() {
        List<Tensor> out = new ArrayList<>(tensorInfos.size());
        for (GgufTensorInfo info : tensorInfos) {
            out.add(view(info));
        }
        return out;
    }

    private Tensor view(GgufTensorInfo info) {
        return new Tensor(info.name(), info.type(), info.shape(), mapping.asSlice(info.fileOffset(), info.byteSize()));
    }

    /** Unmaps the file (when this object mapped it). Tensor views must not be used afterwards. */
    @Override
    public void close() {
        if (arena != null && arena.scope().isAlive()) {
            arena.close();
        }
    }
}
