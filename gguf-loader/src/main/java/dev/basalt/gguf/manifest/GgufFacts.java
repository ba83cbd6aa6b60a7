package dev.basalt.gguf.manifest;

import dev.basalt.gguf.GgufFile;
import dev.basalt.gguf.GgufTensorInfo;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a manifest records about a GGUF file beyond its bytes, so a reviewer sees what model a hash stands
 * for: format version, architecture ({@code general.architecture}, null when absent), tensor count, and how
 * many tensors hold each weight format.
 */
public record GgufFacts(int version, String architecture, int tensorCount, SortedMap<String, Integer> tensorTypes) {

    public GgufFacts {
        tensorTypes = Collections.unmodifiableSortedMap(new TreeMap<>(tensorTypes));
    }

    public static GgufFacts of(GgufFile gguf) {
        SortedMap<String, Integer> types = new TreeMap<>();
        for (GgufTensorInfo t : gguf.tensorInfos()) {
            types.merge(t.type().name(), 1, Integer::sum);
        }
        String arch = gguf.metadata().getString("general.architecture", null);
        return new GgufFacts(gguf.version(), arch, gguf.tensorInfos().size(), types);
    }

    /** "llama, GGUF v3, 48 tensors: F32 x 48". */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder((architecture == null ? "no architecture" : architecture) + ", GGUF v" + version
                + ", " + tensorCount + " tensors");
        String sep = ": ";
        for (Map.Entry<String, Integer> e : tensorTypes.entrySet()) {
            s.append(sep).append(e.getKey()).append(" x ").append(e.getValue());
            sep = ", ";
        }
        return s.toString();
    }
}
