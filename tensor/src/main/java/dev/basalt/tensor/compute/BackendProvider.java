package dev.basalt.tensor.compute;

import java.util.List;

/**
 * A kind of {@link Backend}, found at run time through {@link java.util.ServiceLoader} (each backend module lists
 * its provider in {@code META-INF/services/dev.basalt.tensor.compute.BackendProvider}), so that nothing needs a
 * GPU module at build time: it is used when it is on the class path.
 */
public interface BackendProvider {

    /** The name a user asks for: {@code "cpu"}, {@code "opencl"}. */
    String name();

    /**
     * One line per device this backend can run on, numbered as {@link #create}'s {@code device} counts them.
     *
     * @throws BackendUnavailableException when the backend cannot run here (no driver, no device), saying why
     */
    List<String> devices();

    /**
     * A backend on device number {@code device} (0 = the first listed by {@link #devices()}).
     *
     * @param threads host threads the backend may use (0 = all processors); a GPU backend may ignore it
     * @throws BackendUnavailableException when the backend cannot run here, saying why
     * @throws IllegalArgumentException when {@code device} is not one of {@link #devices()}
     */
    Backend create(int threads, int device);
}
