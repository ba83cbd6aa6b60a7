package dev.basalt.benchmarks;

import dev.basalt.engine.convert.QuantizationRecipe;
import dev.basalt.gguf.GgufFile;
import dev.basalt.gguf.GgufTensorInfo;
import dev.basalt.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * What decoding one token reads from a model file: every tensor once, except an untied {@code token_embd.weight},
 * of which a lookup reads one row (counted as nothing). With tied embeddings it is the output projection and read
 * whole.
 *
 * @param format the file's format: its {@code general.file_type} when Basalt knows the name, otherwise the type
 *     that holds most of the bytes
 * @param bytesPerToken weight bytes read per decoded token
 */
record WeightFootprint(String format, long bytesPerToken) {

    static WeightFootprint of(Path gguf) throws IOException {
        try (GgufFile file = GgufFile.open(gguf)) {
            boolean untied = file.hasTensor("output.weight");
            long bytes = 0;
            Map<GgmlType, Long> byType = new EnumMap<>(GgmlType.class);
            for (GgufTensorInfo t : file.tensorInfos()) {
                byType.merge(t.type(), t.byteSize(), Long::sum);
                if (!(untied && t.name().equals("token_embd.weight"))) {
                    bytes += t.byteSize();
                }
            }
            String format = QuantizationRecipe.nameOfFileType(file.metadata().getInt("general.file_type", -1))
                    .orElseGet(() -> byType.entrySet().stream().max(Map.Entry.comparingByValue())
                            .map(e -> e.getKey().name()).orElse("empty"));
            return new WeightFootprint(format, bytes);
        }
    }
}
