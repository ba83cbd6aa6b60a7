package dev.basalt.gguf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.basalt.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The weights of a Hugging Face model: one {@code model.safetensors}, or shards listed by
 * {@code model.safetensors.index.json} ({@code {"metadata": {...}, "weight_map": {tensor: shard file}}}).
 * Every shard is mapped; tensors are views into the shard that holds them.
 */
public final class SafetensorsModel implements AutoCloseable {
    public static final String INDEX_FILE = "model.safetensors.index.json";
    public static final String SINGLE_FILE = "model.safetensors";

    private final String source;
    private final List<SafetensorsFile> shards;
    private final Map<String, SafetensorsFile> byTensor;

    private SafetensorsModel(String source, List<SafetensorsFile> shards, Map<String, SafetensorsFile> byTensor) {
        this.source = source;
        this.shards = Collections.unmodifiableList(shards);
        this.byTensor = Collections.unmodifiableMap(byTensor);
    }

    /**
     * Opens a model folder, an index JSON, or a single {@code .safetensors} file.
     *
     * @throws ModelFormatException when the index or a shard is malformed or they disagree
     */
    public static SafetensorsModel open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            Path index = path.resolve(INDEX_FILE);
            if (Files.exists(index)) {
                return openIndex(index);
            }
            Path single = path.resolve(SINGLE_FILE);
            if (Files.exists(single)) {
                return openFiles(path.toString(), List.of(single));
            }
            List<Path> found = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(path, "*.safetensors")) {
                ds.forEach(found::add);
            }
            if (found.isEmpty()) {
                throw new ModelFormatException(path.toString(), -1, "folder holds no " + INDEX_FILE + " and no *.safetensors files");
            }
            Collections.sort(found);
            return openFiles(path.toString(), found);
        }
        if (path.getFileName() != null && path.getFileName().toString().endsWith(".json")) {
            return openIndex(path);
        }
        return openFiles(path.toString(), List.of(path));
    }

    private static SafetensorsModel openIndex(Path index) throws IOException {
        String source = index.toString();
        JsonNode root;
        try {
            root = SafetensorsFile.JSON.readTree(Files.readAllBytes(index));
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(source, e.getLocation() == null ? -1 : e.getLocation().getByteOffset(),
                    "not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode weightMap = root == null ? null : root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new ModelFormatException(source, -1, "missing the 'weight_map' object");
        }
        Map<String, String> shardOf = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String shard = e.getValue().isTextual() ? e.getValue().asText() : null;
            if (shard == null || shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.equals("..")
                    || !isFileName(shard)) {
                throw new ModelFormatException(source, -1, "weight_map entry '" + e.getKey() + "' names " + e.getValue()
                        + ", expected a shard file name in the same folder");
            }
            shardOf.put(e.getKey(), shard);
        }
        Path folder = index.toAbsolutePath().getParent();
        List<Path> files = new ArrayList<>();
        for (String shard : new TreeSet<>(shardOf.values())) {
            Path p = folder.resolve(shard);
            if (!Files.exists(p)) {
                throw new NoSuchFileException(p.toString(), null, "shard listed in " + index + " is missing");
            }
            files.add(p);
        }
        SafetensorsModel model = openFiles(source, files);
        try {
            for (Map.Entry<String, String> e : shardOf.entrySet()) {
                SafetensorsFile holder = model.byTensor.get(e.getKey());
                if (holder == null || !Path.of(holder.source()).getFileName().toString().equals(e.getValue())) {
                    throw new ModelFormatException(source, -1, "weight_map puts tensor '" + e.getKey() + "' in " + e.getValue()
                            + " but " + (holder == null ? "no shard holds it" : "it is in " + holder.source()));
                }
            }
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /** Whether the platform accepts {@code name} as a file name (no NUL, nothing else it refuses). */
    private static boolean isFileName(String name) {
        try {
            Path.of(name);
            return true;
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static SafetensorsModel openFiles(String source, List<Path> files) throws IOException {
        List<SafetensorsFile> shards = new ArrayList<>();
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        try {
            for (Path p : files) {
                SafetensorsFile f = SafetensorsFile.open(p);
                shards.add(f);
                for (SafetensorsTensorInfo info : f.tensorInfos()) {
                    SafetensorsFile previous = byTensor.putIfAbsent(info.name(), f);
                    if (previous != null) {
                        throw new ModelFormatException(f.source(), info.fileOffset(), "tensor '" + info.name()
                                + "' is also in " + previous.source());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            shards.forEach(SafetensorsFile::close);
            throw e;
        }
        return new SafetensorsModel(source, shards, byTensor);
    }

    public String source() {
        return source;
    }

    public List<SafetensorsFile> shards() {
        return shards;
    }

    /** Every tensor's header entry, shard by shard. */
    public List<SafetensorsTensorInfo> tensorInfos() {
        List<SafetensorsTensorInfo> out = new ArrayList<>();
        shards.forEach(s -> out.addAll(s.tensorInfos()));
        return out;
    }

    public boolean hasTensor(String name) {
        return byTensor.containsKey(name);
    }

    public Tensor tensor(String name) {
        return holder(name).tensor(name);
    }

    public MemorySegment data(String name) {
        return holder(name).data(name);
    }

    private SafetensorsFile holder(String name) {
        SafetensorsFile f = byTensor.get(name);
        if (f == null) {
            throw new ModelFormatException(source, -1, "no tensor named '" + name + "'");
        }
        return f;
    }

    @Override
    public void close() {
        shards.forEach(SafetensorsFile::close);
    }
}
