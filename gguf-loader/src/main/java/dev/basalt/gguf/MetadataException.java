package dev.basalt.gguf;

/** A metadata key is missing, or holds a value of another type or range than the reader expects. */
public final class MetadataException extends ModelFormatException {
    private final String key;

    public MetadataException(String source, String key, String problem) {
        super(source, source + ": metadata key '" + key + "': " + problem, true);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
