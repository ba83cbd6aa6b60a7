package dev.basalt.examples;

import dev.basalt.engine.GenerationDefaults;
import dev.basalt.engine.GenerationOptions;
import dev.basalt.engine.SamplingOptions;
import dev.basalt.engine.grammar.Grammar;
import dev.basalt.engine.grammar.GrammarException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The options that say how text is generated, shared by {@code run} and {@code chat}. */
final class SamplingArguments {
    // A text block loses its indentation; usage lines are indented by two.
    static final String USAGE = """
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
              --grammar FILE         only output this GBNF grammar (llama.cpp notation, rule root) accepts
              --json-schema FILE     only JSON valid against this JSON Schema""".indent(2).stripTrailing();

    private final GenerationOptions.Builder generation = GenerationOptions.builder();
    private SamplingOptions s = SamplingOptions.DEFAULTS.withSeed(System.nanoTime());
    private final List<String> stops = new ArrayList<>();
    // Which values the user chose: the others come from the model's own defaults when it has them.
    private boolean userTemperature;
    private boolean userTopK;
    private boolean userTopP;

    /** Takes {@code option} (and its value) if it is one of these; false if it is not. */
    boolean parse(String option, Arguments a) {
        try {
            switch (option) {
                case "-n", "--max-tokens" -> generation.maxTokens(a.intValue(option));
                case "--temp" -> {
                    s = s.withTemperature(a.floatValue(option));
                    userTemperature = true;
                }
                case "--top-k" -> {
                    s = s.withTopK(a.intValue(option));
                    userTopK = true;
                }
                case "--top-p" -> {
                    s = s.withTopP(a.floatValue(option));
                    userTopP = true;
                }
                case "--min-p" -> s = s.withMinP(a.floatValue(option));
                case "--repeat-penalty" -> s = s.withRepeatPenalty(a.floatValue(option), s.penaltyWindow());
                case "--repeat-last-n" -> s = s.withRepeatPenalty(s.repeatPenalty(), a.intValue(option));
                case "--frequency-penalty" -> s = s.withFrequencyAndPresencePenalty(a.floatValue(option), s.presencePenalty());
                case "--presence-penalty" -> s = s.withFrequencyAndPresencePenalty(s.frequencyPenalty(), a.floatValue(option));
                case "--seed" -> s = s.withSeed(a.longValue(option));
                case "--stop" -> stops.add(a.value(option));
                case "--grammar", "--json-schema" -> generation.grammar(grammar(option, a.value(option)));
                default -> {
                    return false;
                }
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
        return true;
    }

    /** The grammar in {@code file}: GBNF for --grammar, a JSON Schema for --json-schema; errors name the file. */
    private static Grammar grammar(String option, String file) {
        String text;
        try {
            text = Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new UsageException(option + ": cannot read " + file + " (" + e + ")");
        }
        try {
            return option.equals("--grammar") ? Grammar.parse(text) : Grammar.fromJsonSchema(text);
        } catch (GrammarException e) {
            throw new UsageException(option + " " + file + ": " + e.getMessage());
        }
    }

    /** The builder with these options applied, for command-specific ones. */
    GenerationOptions.Builder builder() {
        return generation.sampling(s).stopStrings(stops);
    }

    GenerationOptions build() {
        try {
            return builder().build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The options, with what the user did not set taken from the model's defaults (generation_config.json). */
    GenerationOptions build(GenerationDefaults defaults) {
        build(); // reports bad options as usage errors
        return generation.sampling(defaults.applyTo(s, userTemperature, userTopP, userTopK)).stopStrings(stops).build();
    }
}
