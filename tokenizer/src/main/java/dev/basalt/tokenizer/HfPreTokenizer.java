package dev.basalt.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Hugging Face pre-tokenizer: splits normalized text into the words BPE runs on. Supports {@code Split}
 * (string or regex pattern, every behavior, invert), {@code ByteLevel} (prefix space, GPT-2 regex, byte
 * characters) and {@code Sequence} of them. Regexes use Unicode semantics, as the Rust library's Oniguruma does.
 */
final class HfPreTokenizer {
    /** The GPT-2 regex the {@code ByteLevel} pre-tokenizer splits with when {@code use_regex} is set. */
    private static final Pattern GPT2 = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    private sealed interface Step {
    }

    private record Split(Pattern pattern, PatternSplitter.Behavior behavior, boolean invert) implements Step {
    }

    private record ByteLevel(boolean addPrefixSpace, boolean useRegex) implements Step {
    }

    private final List<Step> steps;

    private HfPreTokenizer(List<Step> steps) {
        this.steps = steps;
    }

    static HfPreTokenizer fromJson(JsonNode node, TokenizerJson file) {
        List<Step> steps = new ArrayList<>();
        if (node != null) {
            addSteps(node, file, steps);
        }
        return new HfPreTokenizer(steps);
    }

    private static void addSteps(JsonNode node, TokenizerJson file, List<Step> steps) {
        switch (node.path("type").asText()) {
            case "Sequence" -> {
                for (JsonNode n : node.path("pretokenizers")) {
                    addSteps(n, file, steps);
                }
            }
            case "Split" -> steps.add(new Split(pattern(node.path("pattern"), file, "pre_tokenizer Split"),
                    behavior(node.path("behavior").asText(), file), node.path("invert").asBoolean(false)));
            case "ByteLevel" -> steps.add(new ByteLevel(node.path("add_prefix_space").asBoolean(true),
                    node.path("use_regex").asBoolean(true)));
            default -> throw file.unsupported("pre_tokenizer", node);
        }
    }

    /** A {@code {"String": ...}} (literal) or {@code {"Regex": ...}} pattern. */
    static Pattern pattern(JsonNode node, TokenizerJson file, String where) {
        if (node.has("String")) {
            return Pattern.compile(Pattern.quote(node.get("String").asText()));
        }
        if (node.has("Regex")) {
            String regex = node.get("Regex").asText();
            try {
                return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new TokenizerException(file.source + ": " + where + ": regex not supported: " + e.getMessage(), e);
            }
        }
        throw file.error(where + ": pattern is neither String nor Regex: " + node);
    }

    private static PatternSplitter.Behavior behavior(String name, TokenizerJson file) {
        return switch (name) {
            case "Isolated" -> PatternSplitter.Behavior.ISOLATED;
            case "Removed" -> PatternSplitter.Behavior.REMOVED;
            case "MergedWithPrevious" -> PatternSplitter.Behavior.MERGED_WITH_PREVIOUS;
            case "MergedWithNext" -> PatternSplitter.Behavior.MERGED_WITH_NEXT;
            case "Contiguous" -> PatternSplitter.Behavior.CONTIGUOUS;
            default -> throw file.error("pre_tokenizer Split: unsupported behavior \"" + name + "\"");
        };
    }

    /** Appends the words of {@code normalized} to {@code words}. */
    void split(String normalized, List<String> words) {
        List<String> pieces = new ArrayList<>();
        if (!normalized.isEmpty()) {
            pieces.add(normalized);
        }
        for (Step step : steps) {
            List<String> next = new ArrayList<>(pieces.size() * 2);
            for (String piece : pieces) {
                switch (step) {
                    case Split s -> splitPiece(piece, s.pattern(), s.behavior(), s.invert(), next);
                    case ByteLevel b -> {
                        String p = b.addPrefixSpace() && !piece.startsWith(" ") ? " " + piece : piece;
                        List<String> parts = new ArrayList<>();
                        if (b.useRegex()) {
                            splitPiece(p, GPT2, PatternSplitter.Behavior.ISOLATED, false, parts);
                        } else {
                            parts.add(p);
                        }
                        for (String part : parts) {
                            next.add(ByteLevelMapping.encode(part));
                        }
                    }
                }
            }
            pieces = next;
        }
        words.addAll(pieces);
    }

    private static void splitPiece(String piece, Pattern pattern, PatternSplitter.Behavior behavior, boolean invert,
            List<String> out) {
        IntList whole = new IntList(2);
        whole.add(0);
        whole.add(piece.length());
        IntList spans = PatternSplitter.split(piece, whole, pattern, behavior, invert);
        for (int i = 0; i < spans.size(); i += 2) {
            out.add(piece.substring(spans.get(i), spans.get(i + 1)));
        }
    }
}
