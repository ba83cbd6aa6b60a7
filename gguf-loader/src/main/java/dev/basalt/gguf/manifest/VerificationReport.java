package dev.basalt.gguf.manifest;

import java.util.List;

/** What {@link ModelManifest#verify} found: how many listed files matched, and every problem, in path order. */
public record VerificationReport(int filesMatched, long bytesHashed, List<ManifestProblem> problems) {

    public VerificationReport {
        problems = List.copyOf(problems);
    }

    /** True when every listed file is present and intact, and no file is extra. */
    public boolean ok() {
        return problems.isEmpty();
    }
}
