package dev.basalt.gguf.manifest;

/**
 * One way the files on disk differ from a manifest. {@code expected} and {@code actual} are null where the
 * kind has nothing to compare (a missing or extra file).
 */
public record ManifestProblem(Kind kind, String path, String expected, String actual) {

    public enum Kind {
        /** Listed in the manifest, not on disk. */
        MISSING,
        /** On disk inside a folder the manifest covers, not listed in it. */
        EXTRA,
        /** Listed as a file, but a folder or something else is there. */
        NOT_A_FILE,
        /** Different size: the bytes cannot match, so the file is not hashed. */
        SIZE_MISMATCH,
        /** Same size (or size not recorded), different SHA-256: the file was altered or corrupted. */
        HASH_MISMATCH
    }

    /** "HASH_MISMATCH stories260K.gguf: expected sha256 27…, got 5e…" — one line for a report. */
    @Override
    public String toString() {
        return switch (kind) {
            case MISSING -> "MISSING        " + path + ": listed in the manifest, not found";
            case EXTRA -> "EXTRA          " + path + ": not listed in the manifest";
            case NOT_A_FILE -> "NOT_A_FILE     " + path + ": " + actual;
            case SIZE_MISMATCH -> "SIZE_MISMATCH  " + path + ": expected " + expected + " bytes, found " + actual;
            case HASH_MISMATCH -> "HASH_MISMATCH  " + path + ": expected sha256 " + expected + ", computed " + actual;
        };
    }
}
