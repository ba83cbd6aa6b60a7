package dev.basalt.kernels.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.basalt.engine.Model;
import dev.basalt.engine.ModelOptions;
import dev.basalt.tensor.TestData;
import dev.basalt.tensor.compute.BackendUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A machine without OpenCL, simulated in a child JVM whose OpenCL library name points nowhere: asking for the
 * backend gives a clear error, {@code auto} runs on the CPU and says why. Runs everywhere (no OpenCL needed).
 */
@Tag("testdata")
class WithoutOpenClTest {
    private static final String MISSING = "/nonexistent/libOpenCL.so.1";

    @Test
    void askingForOpenClFailsClearlyAndAutoFallsBackToTheCpu() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Dbasalt.opencl.library=" + MISSING, "-cp", System.getProperty("java.class.path"),
                Probe.class.getName(), TestData.path("models", "stories260K.gguf").toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, p.waitFor(), lines.toString());
        String why = "cannot load the OpenCL library " + MISSING;
        assertEquals(3, lines.size(), lines.toString());
        assertEquals(true, lines.get(0).startsWith("devices: " + why), lines.get(0));
        assertEquals(true, lines.get(1).startsWith("opencl: BackendUnavailableException: " + why), lines.get(1));
        assertEquals(true, lines.get(1).contains("install an OpenCL driver"), lines.get(1));
        assertEquals(true, lines.get(2).matches("auto: cpu, opencl unavailable: " + java.util.regex.Pattern.quote(why)
                + ".*; running on the CPU"), lines.get(2));
    }

    /** The child: what a user of each entry point sees. */
    public static final class Probe {
        public static void main(String[] args) throws IOException {
            Path model = Path.of(args[0]);
            try {
                new OpenClBackendProvider().devices();
                System.out.println("devices: listed");
            } catch (BackendUnavailableException e) {
                System.out.println("devices: " + e.getMessage());
            }
            try (Model m = Model.load(model, ModelOptions.defaults().withBackend("opencl"))) {
                System.out.println("opencl: loaded on " + m.backendName());
            } catch (RuntimeException e) {
                System.out.println("opencl: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            try (Model m = Model.load(model, ModelOptions.defaults().withBackend("auto"))) {
                System.out.println("auto: " + m.backendName() + ", " + m.backendFallback());
            }
        }
    }
}
