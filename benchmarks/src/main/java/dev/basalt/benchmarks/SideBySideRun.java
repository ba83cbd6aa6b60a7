package dev.basalt.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs engines alternately on the same token ids: each round, every engine prefills the same prompt from an empty
 * cache and then decodes the same tokens one by one after it. The engine that goes first alternates between rounds,
 * so that neither always runs on a machine the other just warmed or heated. Warm-up rounds (JIT compilation, page
 * cache, thread start-up) are run the same way and not counted.
 *
 * <p>The prompt is BOS-free random ids and the decoded ids are random too, not sampled: both engines do exactly the
 * same work, and sampling is no part of what is measured.
 */
final class SideBySideRun {

    /** What to run; every count is positive except {@code warmup}, which may be 0. */
    record Settings(int threads, int promptTokens, int genTokens, int rounds, int warmup) {
        Settings {
            if (threads < 1 || promptTokens < 1 || genTokens < 1 || rounds < 1 || warmup < 0) {
                throw new IllegalArgumentException("threads, prompt, gen and rounds must be positive, warmup >= 0");
            }
        }

        int contextLength() {
            return promptTokens + genTokens;
        }
    }

    /** The token ids both engines run: BOS-free random ids, the same for the same sizes. */
    record Tokens(int[] prompt, int[] generated) {
        static Tokens random(int promptTokens, int genTokens, int vocabSize) {
            SplittableRandom random = new SplittableRandom(42);
            return new Tokens(random.ints(promptTokens, 0, vocabSize).toArray(),
                    random.ints(genTokens, 0, vocabSize).toArray());
        }
    }

    private SideBySideRun() {
    }

    /** Runs {@code engines} (already loaded with {@code settings.contextLength()}) and returns one result each. */
    static List<EngineResult> run(List<InferenceEngine> engines, Settings settings, int vocabSize) {
        Tokens tokens = Tokens.random(settings.promptTokens(), settings.genTokens(), vocabSize);
        int[] prompt = tokens.prompt();
        int[] generated = tokens.generated();
        int n = engines.size();
        double[][] prefill = new double[n][settings.rounds()];
        double[][] decode = new double[n][settings.rounds()];
        int total = settings.warmup() + settings.rounds();
        TerminalProgress progress = new TerminalProgress("bench", (long) total * n);
        try {
            for (int round = 0; round < total; round++) {
                for (int k = 0; k < n; k++) {
                    int e = (round % 2 == 0) ? k : n - 1 - k;
                    InferenceEngine engine = engines.get(e);
                    progress.update((long) round * n + k, (round < settings.warmup() ? "warm-up " : "round ")
                            + (round + 1) + "/" + total + ": " + engine.name());
                    long t0 = System.nanoTime();
                    engine.prefill(prompt);
                    long t1 = System.nanoTime();
                    for (int id : generated) {
                        engine.decode(id);
                    }
                    long t2 = System.nanoTime();
                    if (round >= settings.warmup()) {
                        prefill[e][round - settings.warmup()] = prompt.length / ((t1 - t0) / 1e9);
                        decode[e][round - settings.warmup()] = generated.length / ((t2 - t1) / 1e9);
                    }
                }
            }
        } finally {
            progress.finish();
        }
        List<EngineResult> results = new ArrayList<>();
        for (int e = 0; e < n; e++) {
            results.add(new EngineResult(engines.get(e).name(), engines.get(e).build(), prefill[e], decode[e]));
        }
        return results;
    }
}
