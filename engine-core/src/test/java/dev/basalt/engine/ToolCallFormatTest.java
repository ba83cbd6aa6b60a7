package dev.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.engine.ToolCallFormat.Function;
import dev.basalt.engine.ToolCallFormat.Reply;
import dev.basalt.engine.grammar.Grammar;
import dev.basalt.tensor.TestData;
import dev.basalt.tokenizer.template.ChatTemplate;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Recognizing each family's call format from its real template, parsing replies, and the grammar of one call. */
class ToolCallFormatTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> DECLARED = List.of("get_weather", "get_time");

    @Test
    @Tag("testdata")
    void formatsAreRecognizedFromTheFamiliesTemplates() throws Exception {
        assertEquals(ToolCallFormat.LLAMA3, of("meta-llama-Llama-3.1-8B-Instruct.jinja"));
        assertEquals(ToolCallFormat.LLAMA3, of("meta-llama-Llama-3.2-3B-Instruct.jinja"));
        assertEquals(ToolCallFormat.HERMES, of("Qwen-Qwen2.5-7B-Instruct.jinja"));
        assertEquals(ToolCallFormat.HERMES, of("NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use.jinja"));
        assertEquals(ToolCallFormat.MISTRAL, of("mistralai-Mistral-Nemo-Instruct-2407.jinja"));
    }

    private static ToolCallFormat of(String template) throws Exception {
        String source = Files.readString(TestData.path("templates", "templates", template));
        return ToolCallFormat.of(ChatTemplate.compile(source, template));
    }

    @Test
    void llama3JsonAndPythonTag() throws Exception {
        Reply r = ToolCallFormat.LLAMA3.parse(" {\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}", DECLARED);
        assertEquals(1, r.calls().size());
        assertEquals("get_weather", r.calls().getFirst().name());
        assertEquals(JSON.readTree("{\"city\": \"Oslo\"}"), JSON.readTree((String) r.calls().getFirst().arguments()));
        Reply tagged = ToolCallFormat.LLAMA3.parse("<|python_tag|>{\"name\": \"get_time\", \"parameters\": {}}; "
                + "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Lima\"}}", DECLARED);
        assertEquals(List.of("get_time", "get_weather"), tagged.calls().stream().map(c -> c.name()).toList());
        assertTrue(ToolCallFormat.LLAMA3.parse("It is sunny.", DECLARED).calls().isEmpty());
        assertTrue(ToolCallFormat.LLAMA3.parse("{\"name\": \"launch\", \"parameters\": {}}", DECLARED).calls().isEmpty(),
                "an undeclared function is no call");
    }

    @Test
    void hermesCallsAmidText() {
        Reply r = ToolCallFormat.HERMES.parse("Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": "
                + "{\"city\": \"Paris\"}}\n</tool_call>\n<tool_call>{\"name\": \"get_time\", \"arguments\": {}}</tool_call>", DECLARED);
        assertEquals("Let me check.", r.content());
        assertEquals(List.of("get_weather", "get_time"), r.calls().stream().map(c -> c.name()).toList());
        assertTrue(ToolCallFormat.HERMES.parse("<tool_call>{\"name\": oops</tool_call>", DECLARED).calls().isEmpty());
    }

    @Test
    void mistralListAndArgsForms() {
        Reply list = ToolCallFormat.MISTRAL.parse("[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Rome\"}}]",
                DECLARED);
        assertEquals("get_weather", list.calls().getFirst().name());
        Reply args = ToolCallFormat.MISTRAL.parse("[TOOL_CALLS]get_time[ARGS]{\"zone\": \"UTC\"}", DECLARED);
        assertEquals("get_time", args.calls().getFirst().name());
        assertTrue(((String) args.calls().getFirst().arguments()).contains("UTC"));
    }

    @Test
    void theCallGrammarAcceptsOnlyDeclaredCallsWithValidArguments() throws Exception {
        List<Function> functions = List.of(
                new Function("get_weather", JSON.readTree("{\"type\": \"object\", \"properties\": {\"city\": {\"enum\": [\"Oslo\"]}},"
                        + " \"required\": [\"city\"]}")),
                new Function("get_time", null));
        Grammar hermes = ToolCallFormat.HERMES.grammar(functions, null);
        assertTrue(hermes.matches("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>"));
        assertTrue(hermes.matches("<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n</tool_call>"));
        assertFalse(hermes.matches("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Rome\"}}\n</tool_call>"));
        assertFalse(hermes.matches("<tool_call>\n{\"name\": \"launch\", \"arguments\": {}}\n</tool_call>"));
        Grammar named = ToolCallFormat.LLAMA3.grammar(functions, "get_time");
        assertTrue(named.matches("{\"name\": \"get_time\", \"parameters\": {}}"));
        assertFalse(named.matches("{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}"));
        assertTrue(ToolCallFormat.MISTRAL.grammar(functions, null)
                .matches("[TOOL_CALLS][{\"name\": \"get_time\", \"arguments\": {}}]"));
    }
}
