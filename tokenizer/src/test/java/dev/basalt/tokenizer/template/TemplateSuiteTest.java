package dev.basalt.tokenizer.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of ../shared/testdata/templates: 28 real Hugging Face chat templates, 9 conversations, with and
 * without the generation prompt, against the bytes transformers' Python Jinja2 rendered. An {@code ok} case must be
 * byte-identical; an {@code error} case must raise, with the template's own text for {@code raise_exception}.
 */
@Tag("testdata")
class TemplateSuiteTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The suite's fixed instant for strftime_now: 2024-07-26T12:00:00, naive. */
    private static final Clock SUITE_CLOCK = Clock.fixed(LocalDateTime.parse("2024-07-26T12:00:00").toInstant(ZoneOffset.UTC),
            ZoneOffset.UTC);

    private static Path suite() {
        return TestData.path("templates");
    }

    private static JsonNode manifest() throws IOException {
        return JSON.readTree(suite().resolve("manifest.json").toFile());
    }

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : manifest().get("cases")) {
            String label = c.get("template").asText() + " / " + c.get("conversation").asText() + " / gen"
                    + (c.get("add_generation_prompt").asBoolean() ? 1 : 0);
            out.add(Arguments.of(label, c));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rendersLikeHuggingFace(String label, JsonNode c) throws IOException {
        JsonNode manifest = manifest();
        JsonNode template = manifest.get("templates").get(c.get("template").asText());
        ChatTemplate compiled = ChatTemplate.compile(Files.readString(suite().resolve(template.get("file").asText()),
                StandardCharsets.UTF_8), c.get("template").asText()).withClock(SUITE_CLOCK);
        JsonNode conversation = JSON.readTree(suite().resolve("conversations", c.get("conversation").asText() + ".json").toFile());
        List<ChatMessage> messages = new ArrayList<>();
        conversation.get("messages").forEach(m -> messages.add(ChatMessage.fromJson(m)));
        Map<String, Object> extra = new LinkedHashMap<>();
        template.get("variables").properties().forEach(e -> extra.put(e.getKey(), e.getValue()));
        if (conversation.has("tools")) {
            extra.put("tools", conversation.get("tools"));
        }
        if (conversation.has("extra")) {
            conversation.get("extra").properties().forEach(e -> extra.put(e.getKey(), e.getValue()));
        }
        boolean generationPrompt = c.get("add_generation_prompt").asBoolean();
        String expected = Files.readString(suite().resolve(c.get("expected").asText()), StandardCharsets.UTF_8);
        if (c.get("status").asText().equals("ok")) {
            assertEquals(expected, compiled.render(messages, generationPrompt, extra), label);
            return;
        }
        TemplateException e = assertThrows(TemplateException.class, () -> compiled.render(messages, generationPrompt, extra), label);
        String kind = c.get("error_kind").asText();
        TemplateException.Kind expectedKind = switch (kind) {
            case "raise_exception" -> TemplateException.Kind.RAISED;
            case "TypeError" -> TemplateException.Kind.TYPE;
            case "UndefinedError" -> TemplateException.Kind.UNDEFINED;
            case "SecurityError" -> TemplateException.Kind.SECURITY;
            default -> throw new AssertionError("unknown error kind " + kind);
        };
        assertEquals(expectedKind, e.kind(), label + ": " + e.getMessage());
        // Jinja2's wording is reproduced for every kind; the suite requires it only for raise_exception.
        assertEquals(expected, e.reason(), label);
        assertTrue(e.getMessage().startsWith(c.get("template").asText() + ":"), "the message names the template: " + e.getMessage());
    }

    @Test
    void templatesAreTheOnesTheManifestDescribes() throws IOException, NoSuchAlgorithmException {
        var templates = manifest().get("templates");
        assertEquals(28, templates.size());
        for (var e : templates.properties()) {
            byte[] bytes = Files.readAllBytes(suite().resolve(e.getValue().get("file").asText()));
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            assertEquals(e.getValue().get("sha256").asText(), sha, e.getKey());
        }
        assertEquals(504, manifest().get("cases").size());
    }
}
