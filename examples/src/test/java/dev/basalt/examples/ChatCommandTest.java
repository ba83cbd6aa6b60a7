package dev.basalt.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.engine.ChatFormat;
import dev.basalt.engine.Conversation;
import dev.basalt.engine.GenerationOptions;
import dev.basalt.engine.GenerationResult;
import dev.basalt.engine.Model;
import dev.basalt.engine.ModelOptions;
import dev.basalt.tokenizer.template.ChatMessage;
import dev.basalt.tokenizer.template.ChatTemplate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code basalt chat} with piped input, on the bundled stories260K and the bundled ChatML template. */
class ChatCommandTest {
    static final String MODEL = "../models/stories260K.gguf";
    static final String TEMPLATE = "../models/chatml.jinja";

    /** The replies the chat API gives, greedy, for these user turns after this system message. */
    static List<String> expectedReplies(String system, int maxTokens, String... turns) throws IOException {
        try (Model model = Model.load(Path.of(MODEL), ModelOptions.defaults().withThreads(1).withContextLength(512));
             Conversation c = model.newConversation(
                     ChatFormat.of(model, ChatTemplate.compile(Files.readString(Path.of(TEMPLATE)), TEMPLATE)),
                     GenerationOptions.builder().greedy().maxTokens(maxTokens).build(), 0)) {
            c.add(ChatMessage.system(system));
            return java.util.Arrays.stream(turns).map(t -> c.send(t, token -> { }).text()).toList();
        }
    }

    /** A real pipe into a separate JVM: its stdin is no terminal; two turns, then /exit (the rest is not read). */
    @Test
    void pipedTurnsStreamRepliesAndReuseTheCache() throws Exception {
        List<String> expected = expectedReplies("You tell stories.", 20, "Tell me about a cat.", "And a dog?");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Basalt.class.getName(),
                "chat", "--model", MODEL, "--template", TEMPLATE, "--system", "You tell stories.", "--temp", "0", "-n", "20",
                "--ctx", "512", "--threads", "1").start();
        try (var stdin = p.getOutputStream()) {
            stdin.write("Tell me about a cat.\n\nAnd a dog?\n/exit\nnever read\n".getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        assertEquals(expected.get(0) + "\n" + expected.get(1) + "\n", out);

        List<String> summaries = err.lines().filter(l -> l.startsWith("basalt chat: ")).toList();
        assertEquals(2, summaries.size(), err);
        Matcher first = Pattern.compile("^basalt chat: (\\d+) prompt tokens, 20 generated \\(max tokens\\), prefill .*").matcher(summaries.get(0));
        assertTrue(first.matches(), summaries.get(0));
        Matcher second = Pattern.compile("^basalt chat: (\\d+) prompt tokens \\((\\d+) from the cache\\), 20 generated .*").matcher(summaries.get(1));
        assertTrue(second.matches(), summaries.get(1));
        assertTrue(Integer.parseInt(second.group(2)) >= Integer.parseInt(first.group(1)),
                "the second turn reuses at least the first prompt: " + err);
    }

    @Test
    void endOfInputEndsTheChat() throws IOException {
        List<String> expected = expectedReplies("Be brief.", 8, "Hi");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Basalt.run(new String[] {"chat", "--model", MODEL, "--template", TEMPLATE, "--system", "Be brief.",
                "--temp", "0", "-n", "8", "--threads", "1", "--ctx", "512"},
                new ByteArrayInputStream("Hi".getBytes(StandardCharsets.UTF_8)), // no newline: the last line still counts
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertEquals(expected.get(0) + "\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aModelWithoutATemplateIsOneClearError() {
        InspectCommandTest.Result r = InspectCommandTest.basalt("chat", "--model", MODEL);
        assertEquals(2, r.status());
        assertEquals("basalt chat: ../models/stories260K.gguf has no chat template (no tokenizer.chat_template in its metadata);"
                + " give one with --template <file>", r.errLines().get(0));
    }

    @Test
    void aBrokenTemplateIsOneLineWithItsPosition() throws IOException {
        Path broken = Files.createTempFile("broken", ".jinja");
        try {
            Files.writeString(broken, "{% for m in messages %}{{ m.content }");
            InspectCommandTest.Result r = InspectCommandTest.basalt("chat", "--model", MODEL, "--template", broken.toString());
            assertEquals(1, r.status());
            assertEquals(1, r.errLines().size(), r.err());
            assertTrue(r.err().startsWith("basalt chat: " + broken + ":1:"), r.err());
        } finally {
            Files.delete(broken);
        }
    }
}
