package dev.basalt.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Hugging Face normalizer: rewrites text before pre-tokenization (NFC for Qwen, spaces to ▁ for Gemma). */
final class HfNormalizer {
    private final UnaryOperator<String> apply;

    private HfNormalizer(UnaryOperator<String> apply) {
        this.apply = apply;
    }

    static final HfNormalizer NONE = new HfNormalizer(UnaryOperator.identity());

    String apply(String text) {
        return apply.apply(text);
    }

    /** @throws TokenizerException naming the file and the type for unsupported normalizers */
    static HfNormalizer fromJson(JsonNode node, TokenizerJson file) {
        if (node == null) {
            return NONE;
        }
        return switch (node.path("type").asText()) {
            case "NFC" -> new HfNormalizer(s -> Normalizer.normalize(s, Normalizer.Form.NFC));
            case "NFD" -> new HfNormalizer(s -> Normalizer.normalize(s, Normalizer.Form.NFD));
            case "NFKC" -> new HfNormalizer(s -> Normalizer.normalize(s, Normalizer.Form.NFKC));
            case "NFKD" -> new HfNormalizer(s -> Normalizer.normalize(s, Normalizer.Form.NFKD));
            case "Lowercase" -> new HfNormalizer(s -> s.toLowerCase(Locale.ROOT));
            case "Replace" -> {
                Pattern pattern = HfPreTokenizer.pattern(node.path("pattern"), file, "normalizer Replace");
                String content = Matcher.quoteReplacement(node.path("content").asText());
                yield new HfNormalizer(s -> pattern.matcher(s).replaceAll(content));
            }
            case "Prepend" -> {
                String prefix = node.path("prepend").asText();
                yield new HfNormalizer(s -> s.isEmpty() ? s : prefix + s); // HF leaves empty text empty
            }
            case "Sequence" -> {
                List<HfNormalizer> steps = new ArrayList<>();
                for (JsonNode n : node.path("normalizers")) {
                    steps.add(fromJson(n, file));
                }
                yield new HfNormalizer(s -> {
                    for (HfNormalizer step : steps) {
                        s = step.apply(s);
                    }
                    return s;
                });
            }
            default -> throw file.unsupported("normalizer", node);
        };
    }
}
