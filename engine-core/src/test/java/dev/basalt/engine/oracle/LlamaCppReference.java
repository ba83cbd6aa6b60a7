package dev.basalt.engine.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One stored llama.cpp reference run from {@code testdata/models/reference} ({@code <name>.json} and its
 * {@code .f32} logits; the layout is described in {@code testdata/models/README.md}).
 *
 * @param promptIds the tokens decoded as the prompt
 * @param generatedIds the greedy continuation
 * @param generatedGaps top-1 minus top-2 logit of the row that chose each generated token
 * @param logits the stored rows: row {@code r} is the logits at position {@code r} of {@code promptIds ++
 *        generatedIds}; fewer rows than positions when the file keeps only the first ones
 */
public record LlamaCppReference(String name, String model, int[] promptIds, int[] generatedIds, float[] generatedGaps,
        float[][] logits) {

    /** Reads {@code reference/<name>.json} and the {@code .f32} it names, e.g. {@code "stories260K"}. */
    public static LlamaCppReference load(String name) {
        Path json = TestData.path("models", "reference", name + ".json");
        try {
            JsonNode root = new ObjectMapper().readTree(json.toFile());
            int rows = root.get("logits_shape").get(0).asInt();
            int vocab = root.get("logits_shape").get(1).asInt();
            Path f32 = json.resolveSibling(root.get("logits_file").asText());
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(f32)).order(ByteOrder.LITTLE_ENDIAN);
            if (bytes.capacity() != (long) rows * vocab * Float.BYTES) {
                throw new IllegalStateException(f32 + " has " + bytes.capacity() + " bytes, expected " + rows + " x "
                        + vocab + " floats");
            }
            float[][] logits = new float[rows][vocab];
            for (float[] row : logits) {
                bytes.asFloatBuffer().get(row);
                bytes.position(bytes.position() + vocab * Float.BYTES);
            }
            JsonNode gaps = root.get("generated_top1_top2_gap");
            float[] generatedGaps = new float[gaps.size()];
            for (int i = 0; i < generatedGaps.length; i++) {
                generatedGaps[i] = (float) gaps.get(i).asDouble();
            }
            return new LlamaCppReference(name, root.get("model").asText(), ints(root.get("prompt_ids")),
                    ints(root.get("generated_ids")), generatedGaps, logits);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read reference " + json, e);
        }
    }

    /** The model file this reference was computed on. */
    public Path modelFile() {
        return TestData.path("models", model);
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
