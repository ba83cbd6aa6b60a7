package dev.basalt.examples;

import dev.basalt.engine.GenerationOptions;
import dev.basalt.engine.GenerationResult;
import dev.basalt.engine.Generator;
import dev.basalt.engine.Model;
import dev.basalt.engine.ModelOptions;
import dev.basalt.engine.SamplingOptions;
import dev.basalt.gguf.manifest.ModelManifest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
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
                  -n, --max-tokens N     tokens to generate (default 256; 0 = until the context is full)
                  --temp T               temperature (default: the model's generation_config.json or GGUF
                                         general.sampling.temp, else 0.8; 0 = greedy)
                  --top-k K              default: the model's, else 40 (0 = off)
                  --top-p P              default: the model's, else 0.95 (1 = off)
                  --min-p P              default 0.05 (0 = off)
                  --repeat-penalty R     default 1.0 (off); --repeat-last-n N window (default 64)
                  --frequency-penalty F  default 0; --presence-penalty P default 0
                  --seed S               random seed (default: from the clock); same seed, same text
                  --stop TEXT            stop when TEXT is generated (repeatable)
                  --threads N            compute threads (default: all processors)
                  --ctx N                context length (default: the model's, capped by a 1 GiB KV cache)
                  --no-bos               do not add BOS to the prompt
                  --parse-special        turn special-token text in the prompt into tokens
                  --verify MANIFEST      refuse the model unless its size and SHA-256 match MANIFEST
                                         (basalt manifest create); hashing shows a progress bar on a terminal
                The summary (prompt and generated tokens, prefill and decode tokens/s, load time) goes to stderr.""";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Arguments a = new Arguments(args);
        Path modelPath = null;
        String prompt = null;
        GenerationOptions.Builder gen = GenerationOptions.builder();
        SamplingOptions s = SamplingOptions.DEFAULTS.withSeed(System.nanoTime());
        int threads = 0;
        int ctx = 0;
        List<String> stops = new ArrayList<>();
        Path manifest = null;
        boolean userTemperature = false;
        boolean userTopK = false;
        boolean userTopP = false;
        while (a.hasNext()) {
            String opt = a.next();
            try {
                switch (opt) {
                    case "-m", "--model" -> modelPath = Path.of(a.value(opt));
                    case "-p", "--prompt" -> prompt = a.value(opt);
                    case "-n", "--max-tokens" -> gen.maxTokens(a.intValue(opt));
                    case "--temp" -> {
                        s = s.withTemperature(a.floatValue(opt));
                        userTemperature = true;
                    }
                    case "--top-k" -> {
                        s = s.withTopK(a.intValue(opt));
                        userTopK = true;
                    }
                    case "--top-p" -> {
                        s = s.withTopP(a.floatValue(opt));
                        userTopP = true;
                    }
                    case "--min-p" -> s = s.withMinP(a.floatValue(opt));
                    case "--repeat-penalty" -> s = s.withRepeatPenalty(a.floatValue(opt), s.penaltyWindow());
                    case "--repeat-last-n" -> s = s.withRepeatPenalty(s.repeatPenalty(), a.intValue(opt));
                    case "--frequency-penalty" -> s = s.withFrequencyAndPresencePenalty(a.floatValue(opt), s.presencePenalty());
                    case "--presence-penalty" -> s = s.withFrequencyAndPresencePenalty(s.frequencyPenalty(), a.floatValue(opt));
                    case "--seed" -> s = s.withSeed(a.longValue(opt));
                    case "--stop" -> stops.add(a.value(opt));
                    case "-t", "--threads" -> threads = a.intValue(opt);
                    case "-c", "--ctx" -> ctx = a.intValue(opt);
                    case "--no-bos" -> gen.addSpecial(false);
                    case "--parse-special" -> gen.parseSpecial(true);
                    case "--verify" -> manifest = Path.of(a.value(opt));
                    default -> throw new UsageException("unknown option " + opt);
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException(opt + ": " + e.getMessage());
            }
        }
        if (modelPath == null) {
            throw new UsageException("which model? (--model <file.gguf> or a Hugging Face folder)");
        }
        if (prompt == null) {
            throw new UsageException("which prompt? (--prompt \"text\")");
        }
        if (!Files.exists(modelPath)) {
            throw new NoSuchFileException(modelPath.toString());
        }
        ModelOptions modelOptions;
        try {
            gen.sampling(s).stopStrings(stops).build(); // checks the options before the model loads
            modelOptions = ModelOptions.defaults().withThreads(threads).withContextLength(ctx);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (manifest != null) {
            ModelManifest.read(manifest).verifyModel(modelPath, ProgressBar.onTerminal(err, "verifying"));
        }
        long t0 = System.nanoTime();
        try (Model model = Model.load(modelPath, modelOptions);
                Generator generator = model.newGenerator(gen.sampling(model.generationDefaults()
                        .applyTo(s, userTemperature, userTopP, userTopK)).build())) {
            long loadNanos = System.nanoTime() - t0;
            out.print(prompt);
            out.flush();
            GenerationResult r = generator.generate(prompt, token -> {
                out.print(token.text());
                out.flush();
            });
            out.println();
            err.printf("basalt run: %d prompt tokens, %d generated (%s), prefill %.1f tok/s, decode %.1f tok/s, load %.0f ms%n",
                    r.promptTokens(), r.generatedTokens(), r.stopReason().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
                    r.prefillTokensPerSecond(), r.decodeTokensPerSecond(), loadNanos / 1e6);
        }
        return 0;
    }
}
