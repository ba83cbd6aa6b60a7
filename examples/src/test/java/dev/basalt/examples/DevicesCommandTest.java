package dev.basalt.examples;

import static dev.basalt.examples.InspectCommandTest.basalt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DevicesCommandTest {

    /** Both backends are on the CLI's class path: the CPU with its device, OpenCL with its devices or why not. */
    @Test
    void listsEveryBackendWithItsDevicesOrWhyItCannotRun() {
        InspectCommandTest.Result r = basalt("devices");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("cpu", lines.get(0));
        assertTrue(lines.get(1).matches("  0: [0-9]+ processors, Vector API [0-9]+-bit"), r.out());
        int opencl = lines.indexOf("opencl");
        if (opencl >= 0) {
            assertTrue(lines.get(opencl + 1).matches("  0: (GPU|CPU|accelerator|other) .+, [0-9]+ compute units, .+"), r.out());
        } else {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("opencl: unavailable: ")), r.out());
        }
    }

    @Test
    void takesNoArguments() {
        assertEquals(2, basalt("devices", "--all").status());
    }
}
