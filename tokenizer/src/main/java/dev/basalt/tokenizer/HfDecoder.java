package dev.basalt.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Hugging Face {@code decoder} into a {@link PieceDecoder}: {@code ByteLevel}, {@code Replace} with a
 * string pattern, {@code ByteFallback}, {@code Fuse} and {@code Sequence} of them. Decoders that work on the
 * joined text ({@code Strip}, {@code Metaspace}...) are reported as unsupported.
 */
final class HfDecoder {
    private HfDecoder() {
    }

    static PieceDecoder fromJson(JsonNode node, TokenizerJson file) {
        List<PieceDecoder.Step> steps = new ArrayList<>();
        if (node != null) {
            addSteps(node, file, steps);
        }
        return new PieceDecoder(steps, true);
    }

    private static void addSteps(JsonNode node, TokenizerJson file, List<PieceDecoder.Step> steps) {
        switch (node.path("type").asText()) {
            case "Sequence" -> {
                for (JsonNode n : node.path("decoders")) {
                    addSteps(n, file, steps);
                }
            }
            case "ByteLevel" -> steps.add(new PieceDecoder.ByteLevel());
            case "ByteFallback" -> steps.add(new PieceDecoder.ByteFallback());
            case "Fuse" -> {
                // Joining the pieces is what decoding does anyway.
            }
            case "Replace" -> {
                JsonNode pattern = node.path("pattern");
                if (!pattern.has("String")) {
                    throw file.error("decoder Replace: only String patterns are supported: " + pattern);
                }
                steps.add(new PieceDecoder.Replace(pattern.get("String").asText(), node.path("content").asText()));
            }
            default -> throw file.unsupported("decoder", node);
        }
    }
}
