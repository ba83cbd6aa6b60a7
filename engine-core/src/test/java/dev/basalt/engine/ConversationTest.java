package dev.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.tokenizer.template.ChatMessage;
import dev.basalt.tokenizer.template.ChatTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The chat API on the bundled stories260K with the bundled ChatML template (the model ships none). */
class ConversationTest {
    static Model model;
    static ChatFormat chatml;

    @BeforeAll
    static void load() throws IOException {
        model = Model.load(Path.of("../models/stories260K.gguf"), ModelOptions.defaults().withContextLength(512).withThreads(1));
        Path template = Path.of("../models/chatml.jinja");
        chatml = ChatFormat.of(model, ChatTemplate.compile(Files.readString(template), template.toString()));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static GenerationOptions greedy(int maxTokens) {
        return GenerationOptions.builder().greedy().maxTokens(maxTokens).build();
    }

    @Test
    void aModelWithoutATemplateNeedsOne() {
        MissingChatTemplateException e = assertThrows(MissingChatTemplateException.class, () -> ChatFormat.of(model));
        assertTrue(e.getMessage().contains("stories260K.gguf has no chat template"), e.getMessage());
    }

    /** The vocabulary has no <|im_end|> token, so the end of turn is watched for as text; BOS comes first, once. */
    @Test
    void chatmlOnStoriesEndsTurnsAtImEndTextAndStartsWithBos() {
        assertEquals(List.of("<|im_end|>"), chatml.endOfTurnStrings());
        assertTrue(chatml.endOfTurnTokens().isEmpty());
        int[] ids = chatml.promptTokens(List.of(ChatMessage.user("Hi")));
        assertEquals(1, ids[0]);
        assertTrue(ids[1] != 1);
        assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", model.tokenizer().decode(ids));
    }

    /** A template that writes BOS itself gets no second one. */
    @Test
    void aTemplateThatWritesBosGetsNoSecond() {
        ChatFormat f = new ChatFormat(model.tokenizer(), ChatTemplate.compile(
                "{{ bos_token }}{% for m in messages %}[{{ m.role }}] {{ m.content }}{{ eos_token }}{% endfor %}", "bos.jinja"));
        int[] ids = f.promptTokens(List.of(ChatMessage.user("Hi")));
        assertEquals(1, ids[0]);
        assertTrue(ids[1] != 1);
        assertTrue(f.endOfTurnStrings().isEmpty());
        assertEquals(java.util.Set.of(2), f.endOfTurnTokens()); // "</s>" after a message is EOS, a special token
    }

    /**
     * The second turn runs only the tokens after what the first left in the cache, and its reply is what a fresh
     * generator gives on the whole rendered conversation (greedy).
     */
    @Test
    void secondTurnFeedsOnlyNewTokensAndRepliesAsAFreshRender() {
        try (Conversation c = model.newConversation(chatml, greedy(24), 0)) {
            c.add(ChatMessage.system("You tell stories."));
            List<String> streamed = new ArrayList<>();
            GenerationResult first = c.send("Tell me about a cat.", t -> streamed.add(t.text()));
            assertEquals(0, first.reusedPromptTokens());
            assertEquals(String.join("", streamed), first.text());
            assertEquals(ChatMessage.assistant(first.text()), c.messages().get(2));
            int firstPrompt = first.promptTokens();
            assertEquals(firstPrompt + first.generatedTokens() - 1, c.cachedTokens());

            GenerationResult second = c.send("And a dog?", t -> { });
            int[] secondPrompt = chatml.promptTokens(c.messages().subList(0, 4));
            assertEquals(secondPrompt.length, second.promptTokens());
            assertTrue(second.reusedPromptTokens() >= firstPrompt,
                    "reused " + second.reusedPromptTokens() + " of a first prompt of " + firstPrompt);
            assertEquals(secondPrompt.length - second.reusedPromptTokens(), second.processedPromptTokens());
            assertTrue(second.processedPromptTokens() < secondPrompt.length - firstPrompt);
            assertEquals(secondPrompt.length + second.generatedTokens() - 1, c.cachedTokens());

            try (Generator fresh = model.newGenerator(chatml.forReplies(greedy(24)), 512)) {
                GenerationResult expected = fresh.generate(secondPrompt, t -> { });
                assertEquals(0, expected.reusedPromptTokens());
                assertArrayEquals(expected.tokens(), second.tokens());
                assertEquals(expected.text(), second.text());
            }
        }
    }

    @Test
    void aTurnThatDoesNotFitIsTakenBack() {
        try (Conversation c = model.newConversation(chatml, greedy(500), 0)) {
            assertThrows(ContextOverflowException.class, () -> c.send("Hi", t -> { }));
            assertTrue(c.messages().isEmpty());
        }
    }

    /** A consumer that throws stops generation; the conversation and its cache stay usable. */
    @Test
    void aThrowingConsumerCancelsAndTheConversationGoesOn() {
        try (Conversation c = model.newConversation(chatml, greedy(24), 0)) {
            int[] seen = {0};
            assertThrows(IllegalStateException.class, () -> c.send("Hi", t -> {
                if (++seen[0] == 3) {
                    throw new IllegalStateException("client gone");
                }
            }));
            assertEquals(3, seen[0]);
            assertTrue(c.messages().isEmpty());
            GenerationResult r = c.send("Hi", t -> { });
            assertTrue(r.reusedPromptTokens() > 0, "the cancelled turn's prompt is still cached");
            assertEquals(24, r.generatedTokens());
        }
    }
}
