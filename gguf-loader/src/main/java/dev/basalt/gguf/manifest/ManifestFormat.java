package dev.basalt.gguf.manifest;

/** How a manifest is written. Reading tells them apart by content. */
public enum ManifestFormat {
    /** Basalt's JSON: sizes, hashes, GGUF facts, and which folders it covers in full. */
    JSON,
    /**
     * coreutils' {@code sha256sum} format ("hash, two spaces, path" per line), checkable with {@code sha256sum -c}
     * on a machine without Java. It records no sizes; read back, it covers its own folder in full.
     */
    SHA256SUMS
}
