package dev.basalt.gguf.manifest;

/** A manifest cannot be read or used: malformed, or it does not list the file asked about. The message names the manifest. */
public class ManifestException extends RuntimeException {
    public ManifestException(String message) {
        super(message);
    }

    public ManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
