package dev.basalt.engine;

import dev.basalt.tensor.compute.Backend;
import dev.basalt.tensor.compute.BackendProvider;
import dev.basalt.tensor.compute.BackendUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The backend {@link ModelOptions#backend()} names, created from the {@link BackendProvider}s on the class path
 * (the GPU modules are found only this way, so engine-core never needs them to build).
 *
 * @param fallback null, or why {@code "auto"} did not get a GPU backend (said to the user: it ran on the CPU)
 */
record ChosenBackend(Backend backend, String fallback) {
    static final String AUTO = "auto";
    static final String CPU = "cpu";

    static ChosenBackend create(ModelOptions options) {
        List<BackendProvider> providers = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, ChosenBackend.class.getClassLoader()).forEach(providers::add);
        if (!options.backend().equals(AUTO)) {
            for (BackendProvider p : providers) {
                if (p.name().equals(options.backend())) {
                    return new ChosenBackend(p.create(options.threads(), options.device()), null);
                }
            }
            throw new IllegalArgumentException("unknown backend '" + options.backend() + "'; available: "
                    + providers.stream().map(BackendProvider::name).collect(Collectors.joining(", ")) + ", " + AUTO);
        }
        // auto: a GPU backend when one can run here, else the CPU, saying why
        List<String> reasons = new ArrayList<>();
        BackendProvider cpu = null;
        for (BackendProvider p : providers) {
            if (p.name().equals(CPU)) {
                cpu = p;
                continue;
            }
            try {
                return new ChosenBackend(p.create(options.threads(), options.device()), null);
            } catch (BackendUnavailableException e) {
                reasons.add(p.name() + " unavailable: " + e.getMessage());
            }
        }
        if (cpu == null) {
            throw new IllegalStateException("no cpu backend on the class path (kernels-cpu is missing)");
        }
        String why = reasons.isEmpty() ? "no GPU backend on the class path" : String.join("; ", reasons);
        return new ChosenBackend(cpu.create(options.threads(), 0), why + "; running on the CPU");
    }
}
