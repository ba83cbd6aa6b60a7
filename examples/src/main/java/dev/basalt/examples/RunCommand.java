package dev.basalt.examples;

import dev.basalt.engine.GenerationOptions;
import dev.basalt.engine.GenerationResult;
import dev.basalt.engine.Generator;
import dev.basalt.engine.Model;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code basalt run}: generate text from a prompt, streamed to stdout, with a one-line summary on stderr. */
final class RunCommand implements Command {

    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "generate text from a prompt with a GGUF model or Hugging Face folder, streaming it";
    }

    @Override
    public String usage() {
        return """
                usage: basalt run --model <file.gguf | hf-folder> --prompt "text" [options]
                """ + SamplingArguments.USAGE + "\n" + ModelArguments.USAGE + """

                  --no-bos               do not add BOS to the prompt
                  --parse-special        turn special-token text in the prompt into tokens
                The summary (prompt and generated tokens, prefill and decode tokens/s, load time) goes to stderr.""";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Arguments a = new Arguments(args);
        ModelArguments modelArguments = new ModelArguments();
        SamplingArguments sampling = new SamplingArguments();
        String prompt = null;
        boolean addBos = true;
        boolean parseSpecial = false;
        while (a.hasNext()) {
            String opt = a.next();
            if (!modelArguments.parse(opt, a) && !sampling.parse(opt, a)) {
                switch (opt) {
                    case "-p", "--prompt" -> prompt = a.value(opt);
                    case "--no-bos" -> addBos = false;
                    case "--parse-special" -> parseSpecial = true;
                    default -> throw new UsageException("unknown option " + opt);
                }
            }
        }
        Path modelPath = modelArguments.model(err);
        if (prompt == null) {
            throw new UsageException("which prompt? (--prompt \"text\")");
        }
        sampling.builder().addSpecial(addBos).parseSpecial(parseSpecial);
        sampling.build(); // bad options are usage errors before the model loads
        long t0 = System.nanoTime();
        try (Model model = modelArguments.load(modelPath, name(), err);
                Generator generator = model.newGenerator(sampling.build(model.generationDefaults()))) {
            long loadNanos = System.nanoTime() - t0;
            out.print(prompt);
            out.flush();
            GenerationResult r = generator.generate(prompt, token -> {
                out.print(token.text());
                out.flush();
            });
            out.println();
            err.printf("basalt run: %s, load %.0f ms%n", GenerationSummary.of(r), loadNanos / 1e6);
        }
        return 0;
    }
}
