package dev.basalt.gguf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import dev.basalt.tensor.codec.LittleEndian;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One safetensors file mapped read-only: u64 header length N, N bytes of JSON
 * ({@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}}), then the data
 * section. Every entry is validated against the file when it is opened.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** The safetensors reference implementation refuses headers above this size. */
    public static final long MAX_HEADER_BYTES = 100_000_000;

    static final ObjectMapper JSON = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final String source;
    private final Arena arena;
    private final MemorySegment mapping;
    private final Map<String, String> metadata;
    private final Map<String, SafetensorsTensorInfo> tensors;

    private SafetensorsFile(String source, Arena arena, MemorySegment mapping, Map<String, String> metadata,
            Map<String, SafetensorsTensorInfo> tensors) {
        this.source = source;
        this.arena = arena;
        this.mapping = mapping;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /**
     * Maps and validates one {@code .safetensors} file.
     *
     * @throws ModelFormatException when the file is not valid safetensors
     */
    public static SafetensorsFile open(Path path) throws IOException {
        return ReadOnlyMapping.open(path, "a .safetensors file", SafetensorsFile::parse);
    }

    /** Parses safetensors bytes already in memory; the caller keeps ownership of {@code bytes}. */
    public static SafetensorsFile read(MemorySegment bytes, String source) {
        return parse(bytes.asReadOnly(), source, null);
    }

    private static SafetensorsFile parse(MemorySegment bytes, String source, Arena arena) {
        long size = bytes.byteSize();
        if (size < 8) {
            throw new ModelFormatException(source, 0, "file truncated: " + size + " bytes, a safetensors file starts with an 8-byte header length");
        }
        long headerLength = bytes.get(LittleEndian.LONG, 0);
        if (headerLength < 2 || headerLength > size - 8) {
            throw new ModelFormatException(source, 0, "header length " + Long.toUnsignedString(headerLength)
                    + " does not fit in the file of " + size + " bytes (not safetensors, or truncated)");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw new ModelFormatException(source, 0, "header length " + headerLength + " exceeds the safetensors limit of " + MAX_HEADER_BYTES);
        }
        byte[] headerBytes = bytes.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
        if (headerBytes[0] != '{') {
            throw new ModelFormatException(source, 8, "header does not start with '{': not a safetensors file");
        }
        JsonNode header;
        try {
            header = JSON.readTree(headerBytes);
        } catch (JsonProcessingException e) {
            long at = 8 + Math.max(0, e.getLocation() == null ? 0 : e.getLocation().getByteOffset());
            throw new ModelFormatException(source, at, "header is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelFormatException(source, 8, "header cannot be read: " + e.getMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new ModelFormatException(source, 8, "header is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        long dataSize = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, SafetensorsTensorInfo> tensors = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = header.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getKey().equals("__metadata__")) {
                readMetadata(source, f.getValue(), metadata);
            } else {
                tensors.put(f.getKey(), readEntry(source, f.getKey(), f.getValue(), dataStart, dataSize));
            }
        }
        checkOverlaps(source, tensors.values());
        return new SafetensorsFile(source, arena, bytes, metadata, tensors);
    }

    private static void readMetadata(String source, JsonNode node, Map<String, String> out) {
        if (!node.isObject()) {
            throw new ModelFormatException(source, 8, "header '__metadata__' is not an object of strings");
        }
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw new ModelFormatException(source, 8, "header '__metadata__." + e.getKey() + "' is not a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
    }

    private static SafetensorsTensorInfo readEntry(String source, String name, JsonNode e, long dataStart, long dataSize) {
        String what = "tensor '" + name + "'";
        if (!e.isObject()) {
            throw new ModelFormatException(source, 8, what + ": header entry is not an object");
        }
        JsonNode dtypeNode = e.get("dtype");
        SafetensorsDtype dtype = dtypeNode != null && dtypeNode.isTextual() ? SafetensorsDtype.fromName(dtypeNode.asText()) : null;
        if (dtype == null) {
            throw new ModelFormatException(source, 8, what + ": dtype " + dtypeNode + " is not one of "
                    + java.util.Arrays.toString(SafetensorsDtype.values()));
        }
        JsonNode shapeNode = e.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new ModelFormatException(source, 8, what + ": 'shape' is missing or not an array");
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw new ModelFormatException(source, 8, what + ": shape " + shapeNode + " must hold non-negative integers");
            }
            shape[i] = d.asLong();
            elements = multiply(source, what, elements, shape[i]);
        }
        long expectedBytes = multiply(source, what, elements, dtype.bytes());
        JsonNode offsets = e.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()
                || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
            throw new ModelFormatException(source, 8, what + ": 'data_offsets' must be [begin, end], got " + offsets);
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw new ModelFormatException(source, 8, what + ": data_offsets [" + begin + ", " + end + "] are not an ascending pair");
        }
        if (end > dataSize) {
            throw new ModelFormatException(source, dataStart + Math.min(begin, dataSize), what + ": data_offsets [" + begin
                    + ", " + end + "] run past the end of the data section (" + dataSize + " bytes; file truncated?)");
        }
        if (end - begin != expectedBytes) {
            throw new ModelFormatException(source, dataStart + begin, what + ": " + dtype + " " + java.util.Arrays.toString(shape)
                    + " needs " + expectedBytes + " bytes but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        return new SafetensorsTensorInfo(name, dtype, shape, begin, end, dataStart + begin, source);
    }

    private static long multiply(String source, String what, long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new ModelFormatException(source, 8, what + ": size overflows 64 bits");
        }
    }

    private static void checkOverlaps(String source, java.util.Collection<SafetensorsTensorInfo> infos) {
        // Empty tensors overlap nothing; each non-empty one is checked against the one reaching furthest so far,
        // not just its neighbour, so an empty or short tensor between two overlapping ones hides nothing.
        List<SafetensorsTensorInfo> sorted = new ArrayList<>(infos);
        sorted.removeIf(t -> t.byteSize() == 0);
        sorted.sort(Comparator.comparingLong(SafetensorsTensorInfo::begin));
        SafetensorsTensorInfo a = null;
        for (SafetensorsTensorInfo b : sorted) {
            if (a != null && b.begin() < a.end()) {
                throw new ModelFormatException(source, b.fileOffset(), "tensor '" + b.name() + "' data [" + b.begin() + ", "
                        + b.end() + ") overlaps tensor '" + a.name() + "' [" + a.begin() + ", " + a.end() + ")");
            }
            if (a == null || b.end() > a.end()) {
                a = b;
            }
        }
    }

    public String source() {
        return source;
    }

    /** The {@code __metadata__} string map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Header entries in header order. */
    public List<SafetensorsTensorInfo> tensorInfos() {
        return List.copyOf(tensors.values());
    }

    public Optional<SafetensorsTensorInfo> info(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    public long fileSize() {
        return mapping.byteSize();
    }

    /** The raw bytes of tensor {@code name}, a read-only slice of the mapping. */
    public MemorySegment data(String name) {
        SafetensorsTensorInfo info = require(name);
        return mapping.asSlice(info.fileOffset(), info.byteSize());
    }

    /**
     * Tensor {@code name} as a view with ggml type and ggml-order shape.
     *
     * @throws ModelFormatException when absent, or when its dtype has no ggml equivalent (use {@link #data})
     */
    public Tensor tensor(String name) {
        SafetensorsTensorInfo info = require(name);
        GgmlType type = info.dtype().ggmlType();
        if (type == null) {
            throw new ModelFormatException(source, info.fileOffset(), "tensor '" + name + "' has dtype " + info.dtype()
                    + ", which has no ggml equivalent");
        }
        return new Tensor(name, type, info.ggmlShape(), data(name));
    }

    private SafetensorsTensorInfo require(String name) {
        SafetensorsTensorInfo info = tensors.get(name);
        if (info == null) {
            throw new ModelFormatException(source, -1, "no tensor named '" + name + "'");
        }
        return info;
    }

    @Override
    public void close() {
        if (arena != null && arena.scope().isAlive()) {
            arena.close();
        }
    }
}
