package dev.basalt.examples;

import static dev.basalt.examples.InspectCommandTest.basalt;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code basalt serve} refuses what it cannot do in one line, before it listens. */
class ServeCommandTest {

    @Test
    void slotsThatDoNotFitTheKvBudgetAreRefused() {
        // stories260K: 5 layers x (32 + 32) floats = 1280 bytes per position; 2 slots x 2048 positions = 5,242,880 bytes.
        InspectCommandTest.Result r = basalt("serve", "--model", "../models/stories260K.gguf", "--parallel", "2",
                "--ctx", "2048", "--kv-memory", "1000000", "--port", "0", "--template", "../models/chatml.jinja");
        assertEquals(2, r.status());
        assertEquals("basalt serve: 2 slots of 2048 positions need 5242880 bytes of KV cache, more than the budget of 1000000"
                + " bytes: lower the context length or the parallel slots, or raise the budget", r.errLines().get(0));
    }

    @Test
    void badOptionsAreUsageErrors() {
        InspectCommandTest.Result r = basalt("serve", "--model", "../models/stories260K.gguf", "--parallel", "0");
        assertEquals(2, r.status());
        assertEquals("basalt serve: parallel must be at least 1, got 0", r.errLines().get(0));
        r = basalt("serve", "--model", "../models/stories260K.gguf", "--port", "http");
        assertEquals(2, r.status());
        assertEquals("basalt serve: --port needs a whole number, got 'http'", r.errLines().get(0));
        r = basalt("serve", "--model", "missing.gguf");
        assertEquals(1, r.status());
        assertEquals("basalt serve: no such file: missing.gguf", r.errLines().get(0));
    }
}
