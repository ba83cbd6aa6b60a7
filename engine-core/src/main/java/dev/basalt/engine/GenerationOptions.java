package dev.basalt.engine;

import dev.basalt.engine.grammar.Grammar;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a generation does: how tokens are sampled, how many at most, and what ends it early.
 *
 * @param maxTokens the most tokens to generate; 0 = until the context is full
 * @param stopStrings text that ends generation when produced (not included in the output)
 * @param addSpecial add BOS (and EOS) to the prompt as the vocabulary asks
 * @param parseSpecial turn special-token text in the prompt into those tokens (for templated chat prompts)
 * @param stopTokens token ids that end generation besides the vocabulary's EOS/EOT/EOM (a chat template's
 *     end-of-turn token), not included in the output
 * @param grammar when not null, only output this grammar accepts can be generated: each step samples among the
 *     tokens that keep the output a prefix of one of its sentences, and generation ends when it is complete
 */
public record GenerationOptions(SamplingOptions sampling, int maxTokens, List<String> stopStrings, boolean addSpecial,
        boolean parseSpecial, Set<Integer> stopTokens, Grammar grammar) {

    public GenerationOptions {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("max tokens must be >= 0, got " + maxTokens);
        }
        stopStrings = List.copyOf(stopStrings);
        for (String s : stopStrings) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("a stop string must not be empty");
            }
        }
        stopTokens = Set.copyOf(stopTokens);
    }

    /** Options without a grammar. */
    public GenerationOptions(SamplingOptions sampling, int maxTokens, List<String> stopStrings, boolean addSpecial,
            boolean parseSpecial, Set<Integer> stopTokens) {
        this(sampling, maxTokens, stopStrings, addSpecial, parseSpecial, stopTokens, null);
    }

    /** These options with output constrained to {@code g} (null: unconstrained). */
    public GenerationOptions withGrammar(Grammar g) {
        return new GenerationOptions(sampling, maxTokens, stopStrings, addSpecial, parseSpecial, stopTokens, g);
    }

    /** These options with more stop strings and stop tokens (duplicates dropped). */
    public GenerationOptions withMoreStops(List<String> strings, Set<Integer> tokens) {
        Set<String> allStrings = new LinkedHashSet<>(stopStrings);
        allStrings.addAll(strings);
        Set<Integer> allTokens = new LinkedHashSet<>(stopTokens);
        allTokens.addAll(tokens);
        return new GenerationOptions(sampling, maxTokens, List.copyOf(allStrings), addSpecial, parseSpecial, allTokens,
                grammar);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds options from llama.cpp's defaults; every setter is optional. */
    public static final class Builder {
        private SamplingOptions sampling = SamplingOptions.DEFAULTS.withSeed(System.nanoTime());
        private int maxTokens = 256;
        private List<String> stopStrings = List.of();
        private boolean addSpecial = true;
        private boolean parseSpecial = false;
        private Set<Integer> stopTokens = Set.of();
        private Grammar grammar;

        public Builder sampling(SamplingOptions s) {
            sampling = s;
            return this;
        }

        public Builder temperature(float t) {
            sampling = sampling.withTemperature(t);
            return this;
        }

        public Builder topK(int k) {
            sampling = sampling.withTopK(k);
            return this;
        }

        public Builder topP(float p) {
            sampling = sampling.withTopP(p);
            return this;
        }

        public Builder minP(float p) {
            sampling = sampling.withMinP(p);
            return this;
        }

        public Builder repeatPenalty(float penalty, int window) {
            sampling = sampling.withRepeatPenalty(penalty, window);
            return this;
        }

        public Builder frequencyAndPresencePenalty(float frequency, float presence) {
            sampling = sampling.withFrequencyAndPresencePenalty(frequency, presence);
            return this;
        }

        public Builder seed(long seed) {
            sampling = sampling.withSeed(seed);
            return this;
        }

        public Builder greedy() {
            sampling = SamplingOptions.GREEDY;
            return this;
        }

        public Builder maxTokens(int n) {
            maxTokens = n;
            return this;
        }

        public Builder stopStrings(List<String> stops) {
            stopStrings = stops;
            return this;
        }

        public Builder stopTokens(Set<Integer> ids) {
            stopTokens = ids;
            return this;
        }

        public Builder addSpecial(boolean add) {
            addSpecial = add;
            return this;
        }

        public Builder parseSpecial(boolean parse) {
            parseSpecial = parse;
            return this;
        }

        /**
         * Constrains the output to a grammar in llama.cpp's GBNF notation (starting at rule {@code root}).
         *
         * @throws dev.basalt.engine.grammar.GrammarException when it is malformed (with line and column), has an
         *     undefined rule, left recursion, or a rule that can never complete
         */
        public Builder grammar(String gbnf) {
            grammar = Grammar.parse(gbnf);
            return this;
        }

        /** Constrains the output to a compiled grammar (null: unconstrained). */
        public Builder grammar(Grammar g) {
            grammar = g;
            return this;
        }

        /**
         * Constrains the output to JSON valid against a JSON Schema.
         *
         * @throws dev.basalt.engine.grammar.GrammarException for an invalid schema or an unsupported keyword (named)
         */
        public Builder jsonSchema(String schema) {
            grammar = Grammar.fromJsonSchema(schema);
            return this;
        }

        public GenerationOptions build() {
            return new GenerationOptions(sampling, maxTokens, stopStrings, addSpecial, parseSpecial, stopTokens, grammar);
        }
    }
}
