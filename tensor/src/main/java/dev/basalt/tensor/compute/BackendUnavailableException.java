package dev.basalt.tensor.compute;

/**
 * A backend cannot run on this machine (its native library or a device is missing); the message says what is
 * missing and how to provide it. {@code --backend auto} falls back to the CPU on this exception, and only on it.
 */
public class BackendUnavailableException extends RuntimeException {

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
