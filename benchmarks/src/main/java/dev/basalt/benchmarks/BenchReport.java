package dev.basalt.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The outcome of {@code basalt bench}: medians per engine, Basalt / llama.cpp ratios, the measured memory bandwidth
 * and each engine's share of it while decoding. Printed as a table or as JSON.
 *
 * @param bandwidth bytes per second of a streaming read on {@code settings.threads()} threads
 * @param systemLoad the one-minute load average at the end of the run (the engines' own threads included)
 */
record BenchReport(String model, WeightFootprint weights, SideBySideRun.Settings settings, double bandwidth,
        List<EngineResult> results, double systemLoad) {

    /** More runnable threads than processors: other work competed for the cores, the figures are noisy. */
    boolean contended() {
        return systemLoad > 1.25 * Runtime.getRuntime().availableProcessors();
    }

    /** Basalt's median divided by llama.cpp's, for prefill and decode; empty unless both ran. */
    Optional<double[]> ratios() {
        Optional<EngineResult> basalt = find("basalt");
        Optional<EngineResult> llama = find("llama.cpp");
        if (basalt.isEmpty() || llama.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new double[] {basalt.get().medianPrefill() / llama.get().medianPrefill(),
                basalt.get().medianDecode() / llama.get().medianDecode()});
    }

    private Optional<EngineResult> find(String engine) {
        return results.stream().filter(r -> r.engine().equals(engine)).findFirst();
    }

    /** Weight bytes × decode tokens/s ÷ bandwidth. */
    double bandwidthShare(EngineResult r) {
        return weights.bytesPerToken() * r.medianDecode() / bandwidth;
    }

    String table() {
        String pp = "pp" + settings.promptTokens();
        String tg = "tg" + settings.genTokens();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "model %s: %s, %.2f GB of weights read per decoded token%n", model,
                weights.format(), weights.bytesPerToken() / 1e9));
        s.append(String.format(Locale.ROOT, "%d threads, prompt %d tokens, %d generated, median of %d rounds (+%d warm-up);"
                + " memory bandwidth %.1f GB/s (streaming read, %d threads)%n", settings.threads(), settings.promptTokens(),
                settings.genTokens(), settings.rounds(), settings.warmup(), bandwidth / 1e9, settings.threads()));
        s.append(String.format(Locale.ROOT, "%-10s %-16s %12s %12s %18s%n", "engine", "build", pp + " tok/s",
                tg + " tok/s", "decode bandwidth"));
        for (EngineResult r : results) {
            s.append(String.format(Locale.ROOT, "%-10s %-16s %12.2f %12.2f %17.0f%%%n", r.engine(), r.build(),
                    r.medianPrefill(), r.medianDecode(), 100 * bandwidthShare(r)));
        }
        ratios().ifPresent(q -> s.append(String.format(Locale.ROOT, "%-27s %11.2fx %11.2fx%n", "basalt / llama.cpp",
                q[0], q[1])));
        if (contended()) {
            s.append(String.format(Locale.ROOT, "note: system load %.1f on %d processors: other work competed for the"
                    + " cores, the figures are noisy%n", systemLoad, Runtime.getRuntime().availableProcessors()));
        }
        return s.toString();
    }

    ObjectNode json(ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.put("model", model);
        root.put("format", weights.format());
        root.put("weight_bytes_per_token", weights.bytesPerToken());
        root.put("threads", settings.threads());
        root.put("prompt_tokens", settings.promptTokens());
        root.put("gen_tokens", settings.genTokens());
        root.put("rounds", settings.rounds());
        root.put("warmup_rounds", settings.warmup());
        root.put("memory_bandwidth_bytes_per_s", bandwidth);
        root.put("system_load", systemLoad);
        root.put("contended", contended());
        ArrayNode engines = root.putArray("engines");
        for (EngineResult r : results) {
            ObjectNode e = engines.addObject();
            e.put("engine", r.engine());
            e.put("build", r.build());
            e.put("pp_tok_s", r.medianPrefill());
            e.put("tg_tok_s", r.medianDecode());
            e.put("decode_bandwidth_share", bandwidthShare(r));
            ArrayNode pp = e.putArray("pp_tok_s_rounds");
            for (double v : r.prefill()) {
                pp.add(v);
            }
            ArrayNode tg = e.putArray("tg_tok_s_rounds");
            for (double v : r.decode()) {
                tg.add(v);
            }
        }
        ratios().ifPresent(q -> {
            ObjectNode ratios = root.putObject("ratios");
            ratios.put("pp", q[0]);
            ratios.put("tg", q[1]);
        });
        return root;
    }
}
