package dev.basalt.gguf.manifest;

import java.util.regex.Pattern;

/**
 * One file of a manifest: its path relative to the manifest's folder ('/'-separated), its size in bytes
 * ({@link #UNKNOWN_SIZE} when the manifest format does not record it, as in SHA256SUMS), its SHA-256 (64
 * lowercase hex digits), and for a GGUF file what model it holds (otherwise null).
 */
public record ManifestEntry(String path, long size, String sha256, GgufFacts gguf) {
    public static final long UNKNOWN_SIZE = -1;
    static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public ManifestEntry {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("an entry needs a path");
        }
        if (sha256 == null || !SHA256_HEX.matcher(sha256).matches()) {
            throw new IllegalArgumentException(path + ": SHA-256 must be 64 lowercase hex digits, got " + sha256);
        }
        if (size < UNKNOWN_SIZE) {
            throw new IllegalArgumentException(path + ": negative size " + size);
        }
    }

    public boolean sizeKnown() {
        return size != UNKNOWN_SIZE;
    }
}
