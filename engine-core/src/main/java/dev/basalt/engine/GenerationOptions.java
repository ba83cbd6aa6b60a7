package dev.basalt.engine;

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
 */
public record GenerationOptions(SamplingOptions sampling, int maxTokens, List<String> stopStrings, boolean addSpecial,
        boolean parseSpecial, Set<Integer> stopTokens) {

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

    /** These options with more stop strings and stop tokens (duplicates dropped). */
    public GenerationOptions withMoreStops(List<String> strings, Set<Integer> tokens) {
        Set<String> allStrings = new LinkedHashSet<>(stopStrings);
        allStrings.addAll(strings);
        Set<Integer> allTokens = new LinkedHashSet<>(stopTokens);
        allTokens.addAll(tokens);
        return new GenerationOptions(sampling, maxTokens, List.copyOf(allStrings), addSpecial, parseSpecial, allTokens);
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

        public GenerationOptions build() {
            return new GenerationOptions(sampling, maxTokens, stopStrings, addSpecial, parseSpecial, stopTokens);
        }
    }
}
