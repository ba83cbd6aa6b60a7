package dev.basalt.tokenizer.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.gguf.Metadata;
import dev.basalt.gguf.MetadataValue;
import dev.basalt.tokenizer.HuggingFaceTokenizer;
import dev.basalt.tokenizer.TokenizerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API the chat layer builds on: messages, tools and extras in, prompt out; templates from GGUF and HF files. */
class ChatTemplateApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Prints every message field a template can see, in the order the template sees them. */
    private static final String DUMP = "{% for m in messages %}{{ m.role }}:{{ m.content }}|{{ m.tool_calls|tojson }}|{{ m.tool_call_id }}|"
            + "{{ m.name }}|{{ m.reasoning_content }}\n{% endfor %}{{ add_generation_prompt }} {{ tools|tojson }} {{ documents }} {{ bos_token }}";

    @Test
    void messagesReachTheTemplateAsHuggingFaceDicts() {
        ChatTemplate t = ChatTemplate.compile(DUMP, "dump");
        List<ChatMessage> messages = List.of(ChatMessage.system("S"), ChatMessage.user(List.of(ContentPart.text("a"), ContentPart.text("b"))),
                ChatMessage.assistant("", List.of(ToolCall.function("c1", "f", Map.of("x", 1)))).withField("reasoning_content", "why"),
                ChatMessage.tool("c1", "f", "{\"ok\": true}"));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("bos_token", "<s>");
        extra.put("tools", List.of(Map.of("type", "function")));
        String expected = """
                system:S|null|||
                user:[{'type': 'text', 'text': 'a'}, {'type': 'text', 'text': 'b'}]|null|||
                assistant:|[{"id": "c1", "type": "function", "function": {"name": "f", "arguments": {"x": 1}}}]|||why
                tool:{"ok": true}|null|c1|f|
                True [{"type": "function"}] None <s>""";
        // an absent tool_calls is undefined, and tojson of undefined fails in Jinja2: print only when present
        String safeDump = DUMP.replace("{{ m.tool_calls|tojson }}", "{{ m.tool_calls|tojson if m.tool_calls is defined else 'null' }}");
        assertEquals(expected, ChatTemplate.compile(safeDump, "dump").render(messages, true, extra));
        assertThrows(TemplateException.class, () -> t.render(messages, true, extra));
    }

    @Test
    void messagesFromOpenAiJsonKeepEveryField() throws IOException {
        ChatMessage m = ChatMessage.fromJson(JSON.readTree("""
                {"role": "assistant", "content": null, "tool_calls": [{"id": "x", "type": "function",
                 "function": {"name": "f", "arguments": "{\\"a\\": 1}"}}], "thinking": "hmm"}"""));
        assertEquals("assistant", m.role());
        assertEquals(null, m.content());
        assertEquals(List.of(new ToolCall("x", "function", "f", "{\"a\": 1}")), m.toolCalls());
        assertEquals(Map.of("thinking", "hmm"), m.fields());
        String out = ChatTemplate.compile("{{ messages[0].content is none }} {{ messages[0].tool_calls[0].function.arguments }} {{ messages[0].thinking }}", "t")
                .render(List.of(m), false, Map.of());
        assertEquals("True {\"a\": 1} hmm", out);
        assertThrows(IllegalArgumentException.class, () -> ChatMessage.fromJson(JSON.readTree("{\"content\": \"no role\"}")));
        assertThrows(IllegalArgumentException.class, () -> ChatMessage.fromJson(JSON.readTree("{\"role\": 3}")));
    }

    @Test
    void extraValuesOverrideDefaultsAndUnknownTypesAreRefused() {
        ChatTemplate t = ChatTemplate.compile("{{ tools }} {{ documents|length }} {{ n + 1 }} {{ f }}", "t");
        assertEquals("None 2 42 0.5", t.render(List.of(), false, Map.of("documents", List.of("a", "b"), "n", 41, "f", 0.5f)));
        assertThrows(IllegalArgumentException.class, () -> t.render(List.of(), false, Map.of("n", new Object())));
    }

    @Test
    void ggufMetadataGivesTheDefaultAndNamedTemplates() {
        Map<String, MetadataValue> kv = new LinkedHashMap<>();
        kv.put("general.architecture", MetadataValue.string("llama"));
        kv.put("tokenizer.chat_template", MetadataValue.string("D"));
        kv.put("tokenizer.chat_template.tool_use", MetadataValue.string("T"));
        ChatTemplates templates = ChatTemplates.fromGguf(new Metadata("m.gguf", kv));
        assertEquals("D", templates.defaultTemplate().orElseThrow());
        assertEquals("T", templates.named("tool_use").orElseThrow());
        assertEquals(List.of("default", "tool_use"), List.copyOf(templates.names()));
        assertTrue(ChatTemplates.fromGguf(new Metadata("empty.gguf", Map.of())).isEmpty());
    }

    @Test
    void tokenizerConfigGivesNamedTemplates(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}}");
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"chat_template\": [{\"name\": \"rag\", \"template\": \"R\"}, {\"name\": \"default\", \"template\": \"D\"}]}");
        HuggingFaceTokenizer t = HuggingFaceTokenizer.load(dir.resolve("tokenizer.json"));
        assertEquals("D", t.chatTemplate().orElseThrow());
        assertEquals("R", t.chatTemplates().named("rag").orElseThrow());
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": 7}");
        TokenizerException e = assertThrows(TokenizerException.class, () -> HuggingFaceTokenizer.load(dir.resolve("tokenizer.json")));
        assertTrue(e.getMessage().contains("tokenizer_config.json: chat_template must be"), e.getMessage());
    }
}
