package dev.basalt.examples.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.basalt.engine.ChatFormat;
import dev.basalt.engine.Model;
import dev.basalt.engine.ModelOptions;
import dev.basalt.tensor.TestData;
import dev.basalt.tokenizer.template.ChatTemplate;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Structured output and tool calls through the server with LangChain4j's OpenAI client (blocking and streaming):
 * stories260K knows nothing of JSON or tools, so whatever it writes is valid only because decoding is constrained.
 * Bad schemas, grammars and tool choices get OpenAI-shaped 400s. The chat template is Qwen 2.5's (from the test
 * data), a real tool-calling template.
 */
@Tag("testdata")
class StructuredOutputServerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL_ID = "stories260K";
    static final String WEATHER_PARAMETERS = """
            {"type": "object", "properties": {"city": {"type": "string", "maxLength": 20},
             "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city", "unit"]}""";
    /** What LangChain4j sends for {@link #weatherTool()}. */
    static final String LANGCHAIN4J_WEATHER_PARAMETERS = """
            {"type": "object", "properties": {"city": {"enum": ["Paris", "Oslo", "Lima"]},
             "unit": {"enum": ["celsius", "fahrenheit"]}, "days": {"type": "integer"}}, "required": ["city", "unit", "days"]}""";

    static Model model;
    static OpenAiServer server;
    static String base;
    static HttpClient http;

    @BeforeAll
    static void start() throws IOException {
        model = Model.load(Path.of("../models/stories260K.gguf"), ModelOptions.defaults().withThreads(1));
        // Qwen 2.5's template: it writes the tools into the system turn and calls as <tool_call>...</tool_call>.
        Path template = TestData.path("templates", "templates", "Qwen-Qwen2.5-7B-Instruct.jinja");
        ChatFormat qwen = ChatFormat.of(model, ChatTemplate.compile(Files.readString(template), template.getFileName().toString()));
        server = OpenAiServer.start(model, qwen, ServerOptions.defaults(MODEL_ID).withAddress("127.0.0.1", 0)
                .withConcurrency(1, 4).withContextLength(1024));
        base = "http://127.0.0.1:" + server.port();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        server.close();
        http.close();
        model.close();
    }

    static void assertValid(String schema, String document) throws IOException {
        var errors = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schema)
                .validate(JSON.readTree(document));
        assertEquals(List.of(), errors, document);
    }

    static ToolSpecification weatherTool() {
        return ToolSpecification.builder().name("get_weather").description("The weather in a city")
                .parameters(JsonObjectSchema.builder()
                        .addProperty("city", JsonEnumSchema.builder().enumValues("Paris", "Oslo", "Lima").build())
                        .addProperty("unit", JsonEnumSchema.builder().enumValues("celsius", "fahrenheit").build())
                        .addIntegerProperty("days").required("city", "unit", "days").build())
                .build();
    }

    @Test
    void langChain4jStructuredOutputFollowsTheSchema() throws IOException {
        OpenAiChatModel client = OpenAiChatModel.builder().baseUrl(base + "/v1").apiKey("none").modelName(MODEL_ID)
                .temperature(1.0).seed(5).maxTokens(200).maxRetries(0).timeout(Duration.ofSeconds(60)).strictJsonSchema(true).build();
        // Bounded on purpose: a story model never closes a free string. (LangChain4j has no maxLength.)
        JsonObjectSchema person = JsonObjectSchema.builder().addBooleanProperty("adult").addIntegerProperty("age")
                .addProperty("pet", JsonEnumSchema.builder().enumValues("cat", "dog").build()).required("adult", "age", "pet").build();
        ChatResponse r = client.chat(ChatRequest.builder().messages(UserMessage.from("Describe a person as JSON."))
                .responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON)
                        .jsonSchema(JsonSchema.builder().name("person").rootElement(person).build()).build())
                .build());
        String json = r.aiMessage().text();
        JsonNode doc = JSON.readTree(json);
        assertTrue(doc.get("adult").isBoolean() && doc.get("age").isIntegralNumber(), json);
        assertTrue(List.of("cat", "dog").contains(doc.get("pet").asText()), json);
        assertEquals(FinishReason.STOP, r.finishReason());
    }

    @Test
    void langChain4jToolCallRoundTripWithToolChoiceRequired() throws IOException {
        OpenAiChatModel client = OpenAiChatModel.builder().baseUrl(base + "/v1").apiKey("none").modelName(MODEL_ID)
                .temperature(1.0).seed(11).maxTokens(200).maxRetries(0).timeout(Duration.ofSeconds(60)).build();
        UserMessage question = UserMessage.from("What is the weather in Paris?");
        ChatResponse first = client.chat(ChatRequest.builder().messages(question).toolSpecifications(weatherTool())
                .toolChoice(ToolChoice.REQUIRED).build());
        AiMessage call = first.aiMessage();
        assertTrue(call.hasToolExecutionRequests(), "a call: " + call);
        ToolExecutionRequest request = call.toolExecutionRequests().getFirst();
        assertEquals("get_weather", request.name());
        assertTrue(request.id().startsWith("call_"), request.id());
        assertValid(LANGCHAIN4J_WEATHER_PARAMETERS, request.arguments());
        assertEquals(FinishReason.TOOL_EXECUTION, first.finishReason());

        // The result goes back; with the call in the history the model now answers in text.
        ChatResponse answer = client.chat(ChatRequest.builder().messages(question, call,
                ToolExecutionResultMessage.from(request, "18 degrees and sunny")).toolSpecifications(weatherTool())
                .toolChoice(ToolChoice.AUTO).maxOutputTokens(16).build());
        assertFalse(answer.aiMessage().hasToolExecutionRequests());
        assertFalse(answer.aiMessage().text().isEmpty());
    }

    @Test
    void langChain4jStreamingToolCall() throws Exception {
        OpenAiStreamingChatModel client = OpenAiStreamingChatModel.builder().baseUrl(base + "/v1").apiKey("none")
                .modelName(MODEL_ID).temperature(1.0).seed(3).maxTokens(200).timeout(Duration.ofSeconds(60)).build();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        client.chat(ChatRequest.builder().messages(UserMessage.from("Weather in Oslo?")).toolSpecifications(weatherTool())
                .toolChoice(ToolChoice.REQUIRED).build(), new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String partial) {
                        done.completeExceptionally(new AssertionError("a required call streamed text: " + partial));
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        done.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }
                });
        ChatResponse r = done.get(60, TimeUnit.SECONDS);
        ToolExecutionRequest request = r.aiMessage().toolExecutionRequests().getFirst();
        assertEquals("get_weather", request.name());
        assertValid(LANGCHAIN4J_WEATHER_PARAMETERS, request.arguments());
        assertEquals(FinishReason.TOOL_EXECUTION, r.finishReason());
    }

    @Test
    void namedToolChoiceAndJsonObjectOverRawHttp() throws Exception {
        String tools = "[{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"parameters\": " + WEATHER_PARAMETERS
                + "}}, {\"type\": \"function\", \"function\": {\"name\": \"get_time\", \"parameters\": {\"type\": \"object\"}}}]";
        JsonNode r = JSON.readTree(post("{\"model\": \"stories260K\", \"seed\": 1, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                + " \"tools\": " + tools + ", \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"get_weather\"}}}").body());
        JsonNode message = r.at("/choices/0/message");
        assertTrue(message.get("content").isNull(), message.toString());
        assertEquals("get_weather", message.at("/tool_calls/0/function/name").asText());
        assertValid(WEATHER_PARAMETERS, message.at("/tool_calls/0/function/arguments").asText());
        assertEquals("tool_calls", r.at("/choices/0/finish_reason").asText());

        // Any object: greedy, the story model closes it at once or writes keys until the limit; either way an object
        // (or its beginning) with nothing before it.
        JsonNode o = JSON.readTree(post("{\"model\": \"stories260K\", \"temperature\": 0, \"max_tokens\": 300, \"messages\": "
                + "[{\"role\": \"user\", \"content\": \"hi\"}], \"response_format\": {\"type\": \"json_object\"}}").body());
        String content = o.at("/choices/0/message/content").asText();
        assertTrue(content.startsWith("{"), content);
    }

    static HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode error400(String body, String param, String... words) throws Exception {
        HttpResponse<String> r = post(body);
        assertEquals(400, r.statusCode(), r.body());
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertEquals("invalid_request_error", error.get("type").asText());
        assertEquals(param, error.get("param").asText(), r.body());
        for (String w : words) {
            assertTrue(error.get("message").asText().contains(w), error.get("message").asText());
        }
        return error;
    }

    @Test
    void badSchemasGrammarsAndToolsAre400() throws Exception {
        String user = "\"model\": \"stories260K\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
        error400("{" + user + ", \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"x\", \"schema\": "
                + "{\"type\": 5}}}}", "response_format.json_schema.schema", "type at # must be one of");
        error400("{" + user + ", \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"x\", \"schema\": "
                + "{\"type\": \"string\", \"pattern\": \"^a\"}}}}", "response_format.json_schema.schema", "unsupported", "pattern");
        error400("{" + user + ", \"response_format\": {\"type\": \"yaml\"}}", "response_format.type", "json_schema");
        error400("{" + user + ", \"grammar\": \"root ::= \\\"(\\\" root \\\")\\\"\"}", "grammar", "can never complete");
        error400("{" + user + ", \"grammar\": \"root ::= [a-\"}", "grammar", "line 1, column 10");
        String tools = "[{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"parameters\": " + WEATHER_PARAMETERS + "}}]";
        error400("{" + user + ", \"tools\": " + tools + ", \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"launch\"}}}",
                "tool_choice", "'launch'", "get_weather");
        error400("{\"model\": \"stories260K\", \"tools\": " + tools + ", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, "
                + "{\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"c1\", \"type\": \"function\", \"function\": "
                + "{\"name\": \"launch\", \"arguments\": \"{}\"}}]}, {\"role\": \"tool\", \"tool_call_id\": \"c1\", \"content\": \"ok\"}]}",
                "messages[1].tool_calls[0]", "'launch'", "not among the declared tools");
        error400("{" + user + ", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": "
                + "{\"type\": \"object\", \"properties\": {\"a\": {\"allOf\": []}}}}}], \"tool_choice\": \"required\"}", "tools", "allOf");
        error400("{" + user + ", \"tool_choice\": \"required\"}", "tool_choice", "needs 'tools'");
    }
}
