package dev.basalt.examples;

import dev.basalt.tensor.compute.BackendProvider;
import dev.basalt.tensor.compute.BackendUnavailableException;
import java.io.PrintStream;
import java.util.List;
import java.util.ServiceLoader;

/**
 * {@code basalt devices}: every backend on the class path with its devices (the numbers {@code run --device}
 * takes), or why it cannot run here.
 */
final class DevicesCommand implements Command {

    @Override
    public String name() {
        return "devices";
    }

    @Override
    public String summary() {
        return "list the compute backends and their devices (OpenCL platforms and devices)";
    }

    @Override
    public String usage() {
        return """
                usage: basalt devices
                Lists each backend (cpu, opencl) and its devices, numbered as basalt run --backend NAME --device N
                counts them; a backend that cannot run here says why (e.g. no OpenCL library or driver).""";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (!args.isEmpty()) {
            throw new UsageException("devices takes no arguments, got " + args);
        }
        for (BackendProvider provider : ServiceLoader.load(BackendProvider.class)) {
            try {
                List<String> devices = provider.devices();
                out.println(provider.name());
                devices.forEach(d -> out.println("  " + d));
            } catch (BackendUnavailableException e) {
                out.println(provider.name() + ": unavailable: " + e.getMessage());
            }
        }
        return 0;
    }
}
