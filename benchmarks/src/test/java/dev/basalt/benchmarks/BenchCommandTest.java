package dev.basalt.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.examples.Basalt;
import dev.basalt.tensor.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code basalt bench} and {@code basalt synth} as the command line runs them. */
class BenchCommandTest {

    @TempDir
    static Path dir;

    /** Exit status, stdout and stderr of one command line. */
    record Result(int status, String out, String err) {
        String firstErrorLine() {
            return err.lines().findFirst().orElse("");
        }
    }

    static Result basalt(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Basalt.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void argumentErrorsAreOneLineUsageErrors() {
        String model = dir.resolve("absent.gguf").toString();
        List<String[]> wrong = List.of(
                new String[] {"bench"},
                new String[] {"bench", "--model", model, "--vs", "vllm"},
                new String[] {"bench", "--model", model, "--threads", "0"},
                new String[] {"bench", "--model", model, "--prompt", "many"},
                new String[] {"bench", "--model", model, "--rounds"},
                new String[] {"bench", "--model", model, "--frobnicate"},
                new String[] {"synth", "--shape", "llama-9", "--type", "Q4_0", "-o", model},
                new String[] {"synth", "--shape", "llama-3.2-1b", "--type", "Q3_X", "-o", model},
                new String[] {"synth", "--shape", "llama-3.2-1b", "--type", "Q4_0"});
        List<String> lines = new ArrayList<>();
        for (String[] args : wrong) {
            Result r = basalt(args);
            String line = r.firstErrorLine();
            lines.add(line);
            assertEquals(2, r.status(), String.join(" ", args) + " -> " + r.err());
            assertTrue(line.startsWith("basalt " + args[0] + ": "), line);
            assertTrue(r.err().lines().skip(1).findFirst().orElse("").startsWith("usage: basalt " + args[0]), r.err());
            assertEquals("", r.out());
        }
        assertTrue(lines.get(1).contains("vllm"), lines.get(1));
        assertTrue(lines.get(3).contains("--prompt") && lines.get(3).contains("many"), lines.get(3));
        assertTrue(lines.get(6).contains("llama-9") && lines.get(6).contains("llama-3.2-1b"), lines.get(6));
    }

    @Test
    void aMissingModelIsOneLineAndStatusOne() {
        Result r = basalt("bench", "--model", dir.resolve("absent.gguf").toString());
        assertEquals(1, r.status());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.firstErrorLine().contains("absent.gguf"), r.err());
    }

    @Test
    void helpListsBenchAndSynth() {
        Result r = basalt("help");
        assertTrue(r.out().contains("bench") && r.out().contains("synth"), r.out());
    }

    /** A tiny synthetic model, benchmarked against llama.cpp: the JSON has every field, with plausible values. */
    @Nested
    @Tag("testdata")
    @Tag("oracle")
    class SideBySide {
        static Path model;

        @BeforeAll
        static void synth() {
            model = dir.resolve("tiny-q8.gguf");
            Result r = basalt("synth", "--shape", "llama-3-tiny", "--type", "Q8_0", "-o", model.toString(),
                    "--tokenizer", TestData.path("tokenizers", "llama3").toString(), "--threads", "2");
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().startsWith("wrote " + model), r.out());
        }

        @Test
        void jsonOutputParsesAndHasTheFields() throws Exception {
            Result r = basalt("bench", "--model", model.toString(), "--vs", "llama.cpp", "--threads", "2",
                    "--prompt", "16", "--gen", "4", "--rounds", "3", "--warmup", "0", "--bandwidth-mib", "64", "--json");
            assertEquals(0, r.status(), r.err());
            JsonNode json = new ObjectMapper().readTree(r.out());
            assertEquals(model.toString(), json.get("model").asText());
            assertEquals("Q8_0", json.get("format").asText());
            assertEquals(2, json.get("threads").asInt());
            assertEquals(16, json.get("prompt_tokens").asInt());
            assertEquals(4, json.get("gen_tokens").asInt());
            assertTrue(json.get("memory_bandwidth_bytes_per_s").asDouble() > 1e8, r.out());
            assertTrue(json.get("system_load").isNumber() && json.get("contended").isBoolean(), r.out());
            assertTrue(json.get("weight_bytes_per_token").asLong() > 128256L * 256, "tied embeddings are read whole");
            JsonNode engines = json.get("engines");
            assertEquals(2, engines.size());
            assertEquals("basalt", engines.get(0).get("engine").asText());
            assertEquals("llama.cpp", engines.get(1).get("engine").asText());
            assertEquals("b4916", engines.get(1).get("build").asText());
            for (JsonNode e : engines) {
                assertEquals(3, e.get("pp_tok_s_rounds").size());
                assertEquals(3, e.get("tg_tok_s_rounds").size());
                double[] tg = new double[3];
                for (int i = 0; i < 3; i++) {
                    tg[i] = e.get("tg_tok_s_rounds").get(i).asDouble();
                }
                assertEquals(EngineResult.median(tg), e.get("tg_tok_s").asDouble(), 1e-9, "tg is the median");
                assertTrue(e.get("pp_tok_s").asDouble() > 0 && e.get("decode_bandwidth_share").asDouble() > 0, e.toString());
            }
            double ratio = engines.get(0).get("pp_tok_s").asDouble() / engines.get(1).get("pp_tok_s").asDouble();
            assertEquals(ratio, json.get("ratios").get("pp").asDouble(), 1e-9);
            assertTrue(json.get("ratios").get("tg").asDouble() > 0);
        }

        @Test
        void theTableNamesBothEnginesAndTheRatio() {
            Result r = basalt("bench", "--model", model.toString(), "--vs", "llama.cpp", "--threads", "1",
                    "--prompt", "8", "--gen", "2", "--rounds", "1", "--warmup", "0", "--bandwidth-mib", "64");
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains("pp8 tok/s") && r.out().contains("tg2 tok/s"), r.out());
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("llama.cpp  b4916")), r.out());
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("basalt / llama.cpp")), r.out());
        }
    }
}
