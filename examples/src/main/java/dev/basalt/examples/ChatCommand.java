package dev.basalt.examples;

import dev.basalt.engine.ChatFormat;
import dev.basalt.engine.Conversation;
import dev.basalt.engine.GenerationOptions;
import dev.basalt.engine.GenerationResult;
import dev.basalt.engine.Model;
import dev.basalt.tokenizer.template.ChatMessage;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code basalt chat}: a conversation in the terminal. Each input line is a user turn; the reply streams to stdout
 * and the KV cache is kept between turns. Works the same with piped input.
 */
final class ChatCommand implements Command {

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public String summary() {
        return "chat with a model in the terminal (its chat template, the KV cache kept across turns)";
    }

    @Override
    public String usage() {
        return """
                usage: basalt chat --model <file.gguf> [--system "text"] [--template file.jinja] [options]
                Each line of input is a user turn; the reply streams to stdout. /exit or the end of input ends the chat.
                  --system TEXT          a system message to start the conversation with
                """ + ChatFormatArguments.USAGE + "\n" + SamplingArguments.USAGE + "\n" + ModelArguments.USAGE + """

                After each reply a summary (prompt tokens and how many came from the cache, generated tokens, why it
                stopped, tokens/s) goes to stderr.""";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        return run(args, System.in, out, err);
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws IOException {
        Arguments a = new Arguments(args);
        ModelArguments modelArguments = new ModelArguments();
        SamplingArguments sampling = new SamplingArguments();
        ChatFormatArguments template = new ChatFormatArguments();
        String system = null;
        while (a.hasNext()) {
            String opt = a.next();
            if (!modelArguments.parse(opt, a) && !sampling.parse(opt, a) && !template.parse(opt, a)) {
                switch (opt) {
                    case "--system" -> system = a.value(opt);
                    default -> throw new UsageException("unknown option " + opt);
                }
            }
        }
        Path modelPath = modelArguments.model(err);
        sampling.build(); // bad options are usage errors before the model loads
        Console console = System.console();
        boolean interactive = in == System.in && console != null && console.isTerminal();
        try (Model model = modelArguments.load(modelPath, name(), err)) {
            ChatFormat format = template.resolve(model);
            GenerationOptions options = sampling.build(model.generationDefaults());
            try (Conversation conversation = model.newConversation(format, options, modelArguments.contextLength())) {
                if (system != null) {
                    conversation.add(ChatMessage.system(system));
                }
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                while (true) {
                    if (interactive) {
                        out.print("> ");
                        out.flush();
                    }
                    String line = lines.readLine();
                    if (line == null || line.strip().equals("/exit")) {
                        break;
                    }
                    if (line.isBlank()) {
                        continue;
                    }
                    GenerationResult r = conversation.send(line.strip(), token -> {
                        out.print(token.text());
                        out.flush();
                    });
                    out.println();
                    err.println("basalt chat: " + GenerationSummary.of(r));
                }
            }
        }
        return 0;
    }
}
