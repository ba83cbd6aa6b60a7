package dev.basalt.examples;

import dev.basalt.engine.GenerationResult;
import java.util.Locale;

/** The words the command line reports a generation with. */
final class GenerationSummary {
    private GenerationSummary() {
    }

    /** e.g. {@code 5 prompt tokens, 40 generated (max tokens), prefill 812.3 tok/s, decode 1020.4 tok/s}. */
    static String of(GenerationResult r) {
        String reused = r.reusedPromptTokens() > 0 ? " (" + r.reusedPromptTokens() + " from the cache)" : "";
        return String.format(Locale.ROOT, "%d prompt tokens%s, %d generated (%s), prefill %.1f tok/s, decode %.1f tok/s",
                r.promptTokens(), reused, r.generatedTokens(), r.stopReason().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                r.prefillTokensPerSecond(), r.decodeTokensPerSecond());
    }
}
