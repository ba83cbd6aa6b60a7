package dev.basalt.gguf.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Basalt's JSON manifest format:
 * <pre>{ "manifestVersion": 1, "directories": ["."],
 *   "files": [ { "path": "m.gguf", "size": 123, "sha256": "…",
 *                "gguf": { "version": 3, "architecture": "llama", "tensorCount": 48, "tensorTypes": { "F32": 48 } } } ] }</pre>
 * Reading checks every field and names the one that is wrong.
 */
final class ManifestJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ManifestJson() {
    }

    static void write(ModelManifest manifest, OutputStream out) throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("manifestVersion", ModelManifest.FORMAT_VERSION);
        ArrayNode dirs = root.putArray("directories");
        manifest.directories().forEach(dirs::add);
        ArrayNode files = root.putArray("files");
        for (ManifestEntry e : manifest.files()) {
            ObjectNode f = files.addObject();
            f.put("path", e.path());
            f.put("size", e.size());
            f.put("sha256", e.sha256());
            if (e.gguf() != null) {
                ObjectNode g = f.putObject("gguf");
                g.put("version", e.gguf().version());
                if (e.gguf().architecture() != null) {
                    g.put("architecture", e.gguf().architecture());
                }
                g.put("tensorCount", e.gguf().tensorCount());
                ObjectNode types = g.putObject("tensorTypes");
                e.gguf().tensorTypes().forEach(types::put);
            }
        }
        out.write(MAPPER.writeValueAsBytes(root));
        out.write('\n');
    }

    static ModelManifest read(byte[] bytes, Path base, Path manifestFile) throws IOException {
        String source = manifestFile.toString();
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ManifestException(source + ": not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""), e);
        }
        Fields top = new Fields(source, "", root);
        int version = top.integer("manifestVersion");
        if (version != ModelManifest.FORMAT_VERSION) {
            throw new ManifestException(source + ": manifestVersion " + version + " is not supported (this Basalt reads "
                    + ModelManifest.FORMAT_VERSION + ")");
        }
        List<String> dirs = new ArrayList<>();
        JsonNode dirNodes = top.array("directories");
        for (int i = 0; i < dirNodes.size(); i++) {
            dirs.add(new Fields(source, "directories", dirNodes).text(i));
        }
        List<ManifestEntry> entries = new ArrayList<>();
        JsonNode fileNodes = top.array("files");
        for (int i = 0; i < fileNodes.size(); i++) {
            Fields f = new Fields(source, "files[" + i + "].", fileNodes.get(i));
            String path = f.text("path");
            long size = f.longValue("size");
            String sha = f.text("sha256");
            if (!ManifestEntry.SHA256_HEX.matcher(sha).matches()) {
                throw f.error("sha256", "expected 64 lowercase hex digits, got '" + sha + "'");
            }
            if (size < 0) {
                throw f.error("size", "expected a size in bytes, got " + size);
            }
            GgufFacts facts = null;
            if (f.node.has("gguf")) {
                Fields g = new Fields(source, "files[" + i + "].gguf.", f.object("gguf"));
                Map<String, Integer> types = new TreeMap<>();
                JsonNode typeNodes = g.object("tensorTypes");
                for (Iterator<String> it = typeNodes.fieldNames(); it.hasNext(); ) {
                    String t = it.next();
                    types.put(t, new Fields(source, g.prefix + "tensorTypes.", typeNodes).integer(t));
                }
                facts = new GgufFacts(g.integer("version"), g.node.has("architecture") ? g.text("architecture") : null,
                        g.integer("tensorCount"), new TreeMap<>(types));
            }
            entries.add(new ManifestEntry(path, size, sha, facts));
        }
        return new ModelManifest(base, manifestFile, dirs, entries);
    }

    /** Typed access to one JSON object's fields with errors that name the manifest and the field. */
    private record Fields(String source, String prefix, JsonNode node) {
        Fields {
            if (node == null || !(node.isObject() || node.isArray())) {
                throw new ManifestException(source + ": " + (prefix.isEmpty() ? "the top level" : prefix) + " must be a JSON object");
            }
        }

        JsonNode field(String name) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                throw error(name, "missing");
            }
            return v;
        }

        String text(String name) {
            JsonNode v = field(name);
            if (!v.isTextual() || v.asText().isEmpty()) {
                throw error(name, "expected a non-empty string, got " + v);
            }
            return v.asText();
        }

        String text(int index) {
            JsonNode v = node.get(index);
            if (v == null || !v.isTextual() || v.asText().isEmpty()) {
                throw new ManifestException(source + ": field '" + prefix + "[" + index + "]': expected a non-empty string, got " + v);
            }
            return v.asText();
        }

        long longValue(String name) {
            JsonNode v = field(name);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw error(name, "expected a whole number, got " + v);
            }
            return v.asLong();
        }

        int integer(String name) {
            JsonNode v = field(name);
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw error(name, "expected a whole number, got " + v);
            }
            return v.asInt();
        }

        JsonNode array(String name) {
            JsonNode v = field(name);
            if (!v.isArray()) {
                throw error(name, "expected an array, got " + v.getNodeType());
            }
            return v;
        }

        JsonNode object(String name) {
            JsonNode v = field(name);
            if (!v.isObject()) {
                throw error(name, "expected an object, got " + v.getNodeType());
            }
            return v;
        }

        ManifestException error(String name, String problem) {
            return new ManifestException(source + ": field '" + prefix + name + "': " + problem);
        }
    }
}
