package dev.basalt.benchmarks;

import dev.basalt.engine.GenerationOptions;
import dev.basalt.engine.GenerationResult;
import dev.basalt.engine.Generator;
import dev.basalt.engine.Model;
import dev.basalt.engine.ModelOptions;
import dev.basalt.engine.TokenMask;
import dev.basalt.engine.grammar.Grammar;
import dev.basalt.engine.grammar.GrammarMatcher;
import dev.basalt.engine.grammar.TokenTrie;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * What constrained decoding costs per token: decode time with and without a JSON Schema, in alternating rounds,
 * and the time the grammar itself takes (the trie walk and the advance) when the constrained tokens are replayed
 * through a fresh matcher, which no load on the machine can blur.
 *
 * <p>Usage: {@code GrammarOverhead <model.gguf> <schema.json> [tokens=64] [rounds=3] [threads=all]}
 */
public final class GrammarOverhead {

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        String schema = Files.readString(Path.of(args[1]));
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        ModelOptions options = ModelOptions.defaults().withContextLength(tokens + 64);
        if (args.length > 4) {
            options = options.withThreads(Integer.parseInt(args[4]));
        }
        Grammar grammar = Grammar.fromJsonSchema(schema);
        try (Model m = Model.load(model, options)) {
            long t0 = System.nanoTime();
            TokenTrie trie = TokenTrie.of(m.tokenizer());
            System.out.printf("vocabulary %d tokens, trie of %d nodes built in %.0f ms%n", m.tokenizer().vocabulary().size(),
                    trie.nodeCount(), (System.nanoTime() - t0) / 1e6);
            double[] plain = new double[rounds];
            double[] constrained = new double[rounds];
            double[] grammarOnly = new double[rounds];
            for (int r = 0; r <= rounds; r++) { // round 0 warms up
                GenerationOptions.Builder b = GenerationOptions.builder().temperature(0.8f).seed(r).maxTokens(tokens);
                GenerationResult u = generate(m, b.grammar((Grammar) null).build());
                GenerationResult c = generate(m, b.grammar(grammar).build());
                double replay = replayMillisPerToken(grammar, trie, c.tokens(), m.tokenizer().vocabulary().size());
                if (r > 0) {
                    plain[r - 1] = millisPerToken(u);
                    constrained[r - 1] = millisPerToken(c);
                    grammarOnly[r - 1] = replay;
                }
                System.out.printf("round %d: unconstrained %.1f ms/token (%d tokens), constrained %.1f ms/token (%d tokens, %s), "
                        + "grammar alone %.3f ms/token%n", r, millisPerToken(u), u.generatedTokens(), millisPerToken(c),
                        c.generatedTokens(), c.stopReason(), replay);
            }
            double p = median(plain);
            double c = median(constrained);
            double g = median(grammarOnly);
            System.out.printf("median: unconstrained %.1f ms/token, constrained %.1f ms/token (%+.1f %%); grammar alone %.3f ms/token "
                    + "= %.2f %% of an unconstrained token%n", p, c, 100 * (c - p) / p, g, 100 * g / p);
        }
    }

    private static GenerationResult generate(Model m, GenerationOptions options) {
        try (Generator g = m.newGenerator(options)) {
            return g.generate("Here is the JSON:", t -> {});
        }
    }

    private static double millisPerToken(GenerationResult r) {
        return r.decodeNanos() / 1e6 / Math.max(1, r.generatedTokens() - 1);
    }

    /** The grammar's own work per token, from a cold matcher as in a generation. */
    private static double replayMillisPerToken(Grammar grammar, TokenTrie trie, int[] tokens, int vocab) {
        GrammarMatcher matcher = new GrammarMatcher(grammar, trie, Set.of());
        TokenMask mask = new TokenMask(vocab);
        long t0 = System.nanoTime();
        for (int t : tokens) {
            matcher.allowedTokens(mask);
            if (!mask.contains(t)) {
                break; // an end token
            }
            matcher.accept(t);
        }
        return (System.nanoTime() - t0) / 1e6 / tokens.length;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
