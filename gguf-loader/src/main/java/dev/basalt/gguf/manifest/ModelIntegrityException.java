package dev.basalt.gguf.manifest;

/**
 * A model file does not match its manifest (size or SHA-256): it was altered, truncated or corrupted in transit,
 * and must not be loaded. The message names the file, the manifest, and the expected and actual values.
 */
public final class ModelIntegrityException extends ManifestException {
    private final ManifestProblem problem;

    public ModelIntegrityException(String manifest, ManifestProblem problem) {
        super(problem.path() + " does not match manifest " + manifest + ": " + describe(problem));
        this.problem = problem;
    }

    private static String describe(ManifestProblem p) {
        return switch (p.kind()) {
            case SIZE_MISMATCH -> "size " + p.actual() + " bytes, expected " + p.expected();
            case HASH_MISMATCH -> "sha256 " + p.actual() + ", expected " + p.expected();
            default -> p.toString();
        };
    }

    public ManifestProblem problem() {
        return problem;
    }
}
