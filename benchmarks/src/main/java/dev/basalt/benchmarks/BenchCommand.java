package dev.basalt.benchmarks;

import dev.basalt.engine.ModelOptions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.basalt.engine.ModelOptions;
import dev.basalt.examples.Arguments;
import dev.basalt.examples.Command;
import dev.basalt.examples.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code basalt bench}: Basalt and llama.cpp side by side on one file, see {@link SideBySideRun}. */
public final class BenchCommand implements Command {

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "measure prefill and decode tokens/s, side by side with llama.cpp on the same file";
    }

    @Override
    public String usage() {
        return """
                usage: basalt bench --model <file.gguf> [--vs llama.cpp] [options]
                  --vs llama.cpp     also run llama.cpp (build b4916 through FFM), alternating with Basalt
                  --threads N        compute threads of both engines (default: all processors)
                  --backend NAME     Basalt's backend: cpu (default), opencl, auto; --device N its device
                  --prompt N         prompt tokens, run as one batch (default 256)
                  --gen N            tokens decoded one by one after the prompt (default 64)
                  --rounds N         measured rounds; medians are reported (default 3)
                  --warmup N         uncounted rounds first (default 1)
                  --json             print JSON instead of the table
                  --bandwidth-mib N  buffer of the bandwidth measurement (default: 4 x the last-level cache, >= 512)
                Also measures the memory bandwidth (streaming read) and each engine's share of it while decoding.""";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Arguments a = new Arguments(args);
        Path modelPath = null;
        boolean vsLlamaCpp = false;
        boolean json = false;
        int threads = Runtime.getRuntime().availableProcessors();
        String backend = "cpu";
        int device = 0;
        int prompt = 256;
        int gen = 64;
        int rounds = 3;
        int warmup = 1;
        long bandwidthBytes = MemoryBandwidth.bufferBytes();
        while (a.hasNext()) {
            String opt = a.next();
            switch (opt) {
                case "-m", "--model" -> modelPath = Path.of(a.value(opt));
                case "--vs" -> {
                    String engine = a.value(opt);
                    if (!engine.equals("llama.cpp")) {
                        throw new UsageException("--vs: unknown engine '" + engine + "' (only llama.cpp)");
                    }
                    vsLlamaCpp = true;
                }
                case "-t", "--threads" -> threads = a.intValue(opt);
                case "--backend" -> backend = a.value(opt);
                case "--device" -> device = a.intValue(opt);
                case "-p", "--prompt" -> prompt = a.intValue(opt);
                case "-n", "--gen" -> gen = a.intValue(opt);
                case "-r", "--rounds" -> rounds = a.intValue(opt);
                case "--warmup" -> warmup = a.intValue(opt);
                case "--json" -> json = true;
                case "--bandwidth-mib" -> bandwidthBytes = a.longValue(opt) << 20;
                default -> throw new UsageException("unknown option " + opt);
            }
        }
        if (modelPath == null) {
            throw new UsageException("which model? (--model <file.gguf>)");
        }
        SideBySideRun.Settings settings;
        try {
            settings = new SideBySideRun.Settings(threads, prompt, gen, rounds, warmup);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (bandwidthBytes < 1 << 20) {
            throw new UsageException("--bandwidth-mib must be at least 1");
        }
        if (!Files.isRegularFile(modelPath)) {
            throw new NoSuchFileException(modelPath.toString());
        }
        WeightFootprint weights = WeightFootprint.of(modelPath);
        double bandwidth = MemoryBandwidth.measure(threads, bandwidthBytes);
        List<InferenceEngine> engines = new ArrayList<>();
        try {
            BasaltEngine basalt = new BasaltEngine(modelPath, ModelOptions.defaults().withThreads(threads)
                    .withContextLength(settings.contextLength()).withBackend(backend).withDevice(device));
            engines.add(basalt);
            if (vsLlamaCpp) {
                engines.add(new LlamaCppEngine(modelPath, threads, settings.contextLength()));
            }
            List<EngineResult> results = SideBySideRun.run(engines, settings, basalt.vocabSize());
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            BenchReport report = new BenchReport(modelPath.toString(), weights, settings, bandwidth, results, load);
            if (json) {
                ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                out.println(mapper.writeValueAsString(report.json(mapper)));
            } else {
                out.print(report.table());
            }
        } finally {
            engines.forEach(InferenceEngine::close);
        }
        return 0;
    }
}
