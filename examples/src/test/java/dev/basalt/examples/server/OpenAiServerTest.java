package dev.basalt.examples.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.engine.ChatFormat;
import dev.basalt.engine.GenerationOptions;
import dev.basalt.engine.GenerationResult;
import dev.basalt.engine.Generator;
import dev.basalt.engine.Model;
import dev.basalt.engine.ModelOptions;
import dev.basalt.tokenizer.template.ChatMessage;
import dev.basalt.tokenizer.template.ChatTemplate;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server on an ephemeral loopback port, with the bundled stories260K and ChatML template: LangChain4j's OpenAI
 * client for chats (blocking and streaming), raw HTTP for the errors and a client that leaves mid-stream.
 */
class OpenAiServerTest {
    static final String KEY = "test-key-42";
    static final String MODEL_ID = "stories260K";
    static final ObjectMapper JSON = new ObjectMapper();

    static Model model;
    static ChatFormat chatml;
    static OpenAiServer server;
    static HttpClient http;
    static String base;

    @BeforeAll
    static void start() throws IOException {
        model = Model.load(Path.of("../models/stories260K.gguf"), ModelOptions.defaults().withThreads(1));
        chatml = ChatFormat.of(model, ChatTemplate.compile(Files.readString(Path.of("../models/chatml.jinja")), "chatml.jinja"));
        server = OpenAiServer.start(model, chatml, ServerOptions.defaults(MODEL_ID).withAddress("127.0.0.1", 0).withApiKey(KEY)
                .withConcurrency(2, 4).withContextLength(2048).withMaxBodyBytes(16 * 1024));
        base = "http://127.0.0.1:" + server.port();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        server.close();
        http.close();
        model.close();
    }

    /** What the chat API gives, greedy, from a fresh session: the reference for the server's answers. */
    static GenerationResult expected(List<ChatMessage> messages, int maxTokens) {
        try (Generator g = model.newGenerator(GenerationOptions.builder().greedy().build(), 2048)) {
            return g.generate(chatml.promptTokens(messages),
                    chatml.forReplies(GenerationOptions.builder().greedy().maxTokens(maxTokens).build()), t -> { });
        }
    }

    static final List<ChatMessage> CONVERSATION = List.of(ChatMessage.system("You tell stories."), ChatMessage.user("Tell me about a cat."));

    @Test
    void langChain4jBlockingChat() {
        GenerationResult expected = expected(CONVERSATION, 24);
        OpenAiChatModel client = OpenAiChatModel.builder().baseUrl(base + "/v1").apiKey(KEY).modelName(MODEL_ID)
                .temperature(0.0).maxTokens(24).maxRetries(0).timeout(Duration.ofSeconds(30)).build();
        ChatResponse r = client.chat(SystemMessage.from("You tell stories."), UserMessage.from("Tell me about a cat."));
        assertEquals(expected.text(), r.aiMessage().text());
        assertEquals(expected.promptTokens(), r.tokenUsage().inputTokenCount());
        assertEquals(24, r.tokenUsage().outputTokenCount());
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals(MODEL_ID, r.modelName());
        assertTrue(r.id().startsWith("chatcmpl-"), r.id());
    }

    @Test
    void langChain4jStreamingChat() throws Exception {
        GenerationResult expected = expected(CONVERSATION, 32);
        OpenAiStreamingChatModel client = OpenAiStreamingChatModel.builder().baseUrl(base + "/v1").apiKey(KEY).modelName(MODEL_ID)
                .temperature(0.0).maxTokens(32).timeout(Duration.ofSeconds(30)).build();
        List<String> partials = new ArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        client.chat(List.of(SystemMessage.from("You tell stories."), UserMessage.from("Tell me about a cat.")),
                new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String partial) {
                        partials.add(partial);
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
        ChatResponse r = done.get(30, TimeUnit.SECONDS);
        assertTrue(partials.size() > 5, "streamed in pieces: " + partials);
        assertEquals(expected.text(), String.join("", partials));
        assertEquals(expected.text(), r.aiMessage().text());
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertNotNull(r.tokenUsage(), "usage comes in the last chunk (stream_options.include_usage)");
        assertEquals(expected.promptTokens(), r.tokenUsage().inputTokenCount());
        assertEquals(32, r.tokenUsage().outputTokenCount());
    }

    /** A real client maps our error JSON and statuses to its exceptions as it maps OpenAI's. */
    @Test
    void langChain4jSeesAuthAndModelErrorsAsFromOpenAi() {
        OpenAiChatModel wrongKey = OpenAiChatModel.builder().baseUrl(base + "/v1").apiKey("nope").modelName(MODEL_ID).maxRetries(0).build();
        AuthenticationException auth = assertThrows(AuthenticationException.class, () -> wrongKey.chat("Hi"));
        assertTrue(auth.getMessage().contains("invalid_api_key"), auth.getMessage());
        OpenAiChatModel wrongModel = OpenAiChatModel.builder().baseUrl(base + "/v1").apiKey(KEY).modelName("gpt-4o").maxRetries(0).build();
        ModelNotFoundException missing = assertThrows(ModelNotFoundException.class, () -> wrongModel.chat("Hi"));
        assertTrue(missing.getMessage().contains("The model 'gpt-4o' does not exist"), missing.getMessage());
    }

    // ---- raw HTTP ----

    static HttpResponse<String> post(String path, String body, String key) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Asserts OpenAI's error shape and returns its {@code error} object. */
    static JsonNode error(HttpResponse<String> r, int status) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertNotNull(e, r.body());
        assertTrue(e.get("message").isTextual() && !e.get("message").asText().isEmpty());
        assertTrue(e.get("type").isTextual());
        assertTrue(e.has("param") && e.has("code"), r.body());
        return e;
    }

    static final String CHAT = "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":4}";

    @Test
    void badJsonIs400() throws Exception {
        JsonNode e = error(post("/v1/chat/completions", "{\"model\": \"stories260K\", \"messages\": [", KEY), 400);
        assertEquals("invalid_request_error", e.get("type").asText());
        assertTrue(e.get("message").asText().startsWith("the body is not valid JSON"), e.toString());
        assertEquals("messages", error(post("/v1/chat/completions", "{\"model\":\"stories260K\",\"messages\":[]}", KEY), 400)
                .get("param").asText());
        assertEquals("messages[0]", error(post("/v1/chat/completions",
                "{\"model\":\"stories260K\",\"messages\":[{\"content\":\"Hi\"}]}", KEY), 400).get("param").asText());
        assertEquals("temperature", error(post("/v1/completions",
                "{\"model\":\"stories260K\",\"prompt\":\"Hi\",\"temperature\":\"hot\"}", KEY), 400).get("param").asText());
    }

    @Test
    void unknownModelIs404() throws Exception {
        JsonNode e = error(post("/v1/chat/completions", CHAT.replace("stories260K", "gpt-4o"), KEY), 404);
        assertEquals("model_not_found", e.get("code").asText());
        assertEquals("model", e.get("param").asText());
        assertEquals("model_not_found", error(get("/v1/models/gpt-4o", KEY), 404).get("code").asText());
        assertEquals("not_found", error(get("/v2/anything", KEY), 404).get("code").asText());
    }

    @Test
    void missingOrWrongKeyIs401AndHealthIsOpen() throws Exception {
        HttpResponse<String> missing = post("/v1/chat/completions", CHAT, null);
        assertEquals("invalid_api_key", error(missing, 401).get("code").asText());
        assertEquals("Bearer", missing.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals("invalid_api_key", error(post("/v1/chat/completions", CHAT, KEY + "x"), 401).get("code").asText());
        error(get("/v1/models", null), 401);
        error(get("/metrics", "wrong"), 401);
        HttpResponse<String> health = get("/health", null);
        assertEquals(200, health.statusCode());
        assertEquals("ok", JSON.readTree(health.body()).get("status").asText());
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        String big = CHAT.replace("\"Hi\"", "\"" + "a".repeat(20_000) + "\"");
        assertEquals("request_too_large", error(post("/v1/chat/completions", big, KEY), 413).get("code").asText());
    }

    @Test
    void moreThanOneChoiceIs400() throws Exception {
        JsonNode e = error(post("/v1/chat/completions", CHAT.replace("}]", "}],\"n\":2"), KEY), 400);
        assertEquals("n", e.get("param").asText());
        assertEquals("unsupported_parameter", e.get("code").asText());
        assertEquals(200, post("/v1/chat/completions", CHAT.replace("}]", "}],\"n\":1"), KEY).statusCode());
    }

    @Test
    void aPromptPlusLimitLongerThanTheContextIs400() throws Exception {
        JsonNode e = error(post("/v1/completions", "{\"model\":\"stories260K\",\"prompt\":\"Once upon a time\",\"max_tokens\":2045}", KEY), 400);
        assertEquals("context_length_exceeded", e.get("code").asText());
        assertTrue(e.get("message").asText().contains("maximum context length is 2048 tokens"), e.toString());
        assertTrue(e.get("message").asText().contains("(5 in the prompt, 2045 in the completion)"), e.toString());
        String longPrompt = "{\"model\":\"stories260K\",\"prompt\":\"" + "Once upon a time ".repeat(700) + "\"}";
        assertEquals("context_length_exceeded", error(post("/v1/completions", longPrompt, KEY), 400).get("code").asText());
    }

    @Test
    void wrongMethodIs405() throws Exception {
        HttpResponse<String> r = get("/v1/chat/completions", KEY);
        assertEquals("method_not_allowed", error(r, 405).get("code").asText());
        assertEquals("POST", r.headers().firstValue("Allow").orElse(""));
    }

    /** Text completion: greedy is `basalt run`'s text; a stop string ends it with finish_reason "stop". */
    @Test
    void textCompletionStopsAtAStopString() throws Exception {
        HttpResponse<String> r = post("/v1/completions",
                "{\"model\":\"stories260K\",\"prompt\":\"Once upon a time\",\"temperature\":0,\"max_tokens\":40,\"stop\":[\"Lily\",\"xyz\"]}", KEY);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("text_completion", body.get("object").asText());
        assertEquals(", there was a little girl named ", body.at("/choices/0/text").asText());
        assertEquals("stop", body.at("/choices/0/finish_reason").asText());
        assertEquals(5, body.at("/usage/prompt_tokens").asInt());
        assertEquals(body.at("/usage/prompt_tokens").asInt() + body.at("/usage/completion_tokens").asInt(),
                body.at("/usage/total_tokens").asInt());
    }

    @Test
    void textCompletionStreams() throws Exception {
        HttpResponse<String> r = post("/v1/completions",
                "{\"model\":\"stories260K\",\"prompt\":\"Once upon a time\",\"temperature\":0,\"max_tokens\":12,\"stream\":true}", KEY);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> events = r.body().lines().filter(l -> !l.isEmpty()).toList();
        assertEquals("data: [DONE]", events.getLast());
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (String e : events.subList(0, events.size() - 1)) {
            assertTrue(e.startsWith("data: {"), e);
            JsonNode chunk = JSON.readTree(e.substring(6));
            assertEquals("text_completion", chunk.get("object").asText());
            text.append(chunk.at("/choices/0/text").asText());
            if (!chunk.at("/choices/0/finish_reason").isNull()) {
                finish = chunk.at("/choices/0/finish_reason").asText();
            }
        }
        assertEquals(", there was a little girl named Lily. She", text.toString());
        assertEquals("length", finish);
    }

    @Test
    void modelsListsTheModel() throws Exception {
        JsonNode list = JSON.readTree(get("/v1/models", KEY).body());
        assertEquals("list", list.get("object").asText());
        assertEquals(1, list.get("data").size());
        assertEquals(MODEL_ID, list.at("/data/0/id").asText());
        assertEquals("model", list.at("/data/0/object").asText());
        assertEquals(2048, list.at("/data/0/context_length").asInt());
        assertEquals(MODEL_ID, JSON.readTree(get("/v1/models/" + MODEL_ID, KEY).body()).get("id").asText());
    }

    static long metric(String name) throws Exception {
        HttpResponse<String> r = get("/metrics", KEY);
        assertEquals(200, r.statusCode());
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.]+)$").matcher(r.body());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void metricsCountRequestsTokensAndErrors() throws Exception {
        long requests = metric("basalt_requests_total{endpoint=\"/v1/completions\"}");
        long tokensOut = metric("basalt_completion_tokens_total");
        long errors400 = metric("basalt_errors_total{status=\"400\"}");
        assertEquals(200, post("/v1/completions", "{\"model\":\"stories260K\",\"prompt\":\"Once\",\"max_tokens\":7,\"temperature\":0}", KEY).statusCode());
        post("/v1/completions", "{\"model\":\"stories260K\",\"prompt\":\"Once\",\"n\":3}", KEY);
        assertEquals(requests + 2, metric("basalt_requests_total{endpoint=\"/v1/completions\"}"));
        assertEquals(tokensOut + 7, metric("basalt_completion_tokens_total"));
        assertEquals(errors400 + 1, metric("basalt_errors_total{status=\"400\"}"));
        String text = get("/metrics", KEY).body();
        for (String name : List.of("basalt_prompt_tokens_total", "basalt_prefill_tokens_per_second", "basalt_decode_tokens_per_second",
                "basalt_queue_length", "basalt_active_sessions", "basalt_slots", "basalt_client_disconnects_total")) {
            assertTrue(text.contains("# TYPE " + name + " "), name);
        }
        assertEquals(2, metric("basalt_slots"));
    }

    /**
     * A streaming client that closes its connection after the first token: the server notices the failed write,
     * stops generating (1500 tokens would take seconds) and frees the slot; the next request is served.
     */
    @Test
    void aClientThatLeavesMidStreamFreesItsSlot() throws Exception {
        long disconnects = metric("basalt_client_disconnects_total");
        long tokensOut = metric("basalt_completion_tokens_total");
        String body = "{\"model\":\"stories260K\",\"prompt\":\"Once upon a time\",\"temperature\":0,\"max_tokens\":1500,\"stream\":true}";
        long start = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("HTTP/1.1 200 OK", in.readLine());
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("data: {")) {
                // headers and chunk sizes
            }
            assertNotNull(line, "a first event");
            assertEquals(1, server.activeSessions());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.activeSessions() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, server.activeSessions());
        double freedAfterSeconds = (System.nanoTime() - start) / 1e9;
        assertEquals(disconnects + 1, metric("basalt_client_disconnects_total"));
        assertEquals(tokensOut, metric("basalt_completion_tokens_total"), "the abandoned generation is not counted as served");
        // Generous for a loaded CI machine: that the generation was abandoned is shown by the metrics above.
        assertTrue(freedAfterSeconds < 10, "slot freed after " + freedAfterSeconds + " s");
        HttpResponse<String> next = post("/v1/chat/completions", CHAT, KEY);
        assertEquals(200, next.statusCode(), next.body());
        assertNull(JSON.readTree(next.body()).get("error"));
        assertEquals(0, metric("basalt_active_sessions"));
    }
}
