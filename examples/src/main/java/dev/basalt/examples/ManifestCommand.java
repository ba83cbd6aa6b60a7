package dev.basalt.examples;

import dev.basalt.gguf.manifest.ManifestEntry;
import dev.basalt.gguf.manifest.ManifestFormat;
import dev.basalt.gguf.manifest.ManifestProblem;
import dev.basalt.gguf.manifest.ModelManifest;
import dev.basalt.gguf.manifest.VerificationReport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** {@code basalt manifest create|verify}: hash model files before they cross the air gap, check them after. */
final class ManifestCommand implements Command {

    @Override
    public String name() {
        return "manifest";
    }

    @Override
    public String summary() {
        return "create or verify a manifest (sizes, SHA-256, GGUF facts) of model files";
    }

    @Override
    public String usage() {
        return """
                usage: basalt manifest create <file-or-folder>... [-o manifest.json] [--format json|sha256sums]
                       basalt manifest verify <manifest.json | SHA256SUMS>
                create  hashes the files (folders in full) and writes each one's path, size and SHA-256, and for GGUF
                        files the architecture, tensor count and weight formats. Paths are relative to the manifest's
                        folder (to the current folder when written to stdout), so manifest and files travel together.
                        --format sha256sums writes coreutils' format, checkable with 'sha256sum -c' where no Java is.
                verify  recomputes every hash and lists every altered, missing and extra file (extra: in a folder the
                        manifest covers, not listed); exit status 1 if there is any.
                A progress bar shows on a terminal. 'basalt run --verify <manifest>' checks the model before loading it.""";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        if (args.isEmpty()) {
            throw new UsageException("create or verify?");
        }
        return switch (args.get(0)) {
            case "create" -> create(new Arguments(args.subList(1, args.size())), out, err);
            case "verify" -> verify(new Arguments(args.subList(1, args.size())), out, err);
            default -> throw new UsageException("unknown subcommand '" + args.get(0) + "' (create or verify)");
        };
    }

    private static int create(Arguments a, PrintStream out, PrintStream err) throws IOException {
        List<Path> inputs = new ArrayList<>();
        Path output = null;
        ManifestFormat format = ManifestFormat.JSON;
        while (a.hasNext()) {
            String arg = a.next();
            switch (arg) {
                case "-o", "--output" -> output = Path.of(a.value(arg));
                case "--format" -> format = switch (a.value(arg)) {
                    case "json" -> ManifestFormat.JSON;
                    case "sha256sums" -> ManifestFormat.SHA256SUMS;
                    default -> throw new UsageException("--format is json or sha256sums");
                };
                default -> {
                    if (arg.startsWith("-")) {
                        throw new UsageException("unknown option " + arg);
                    }
                    inputs.add(Path.of(arg));
                }
            }
        }
        if (inputs.isEmpty()) {
            throw new UsageException("which files or folders?");
        }
        // Written to stdout, paths are relative to the current folder: as if the manifest were saved there.
        Path target = output != null ? output : Path.of("manifest.json");
        long t0 = System.nanoTime();
        ModelManifest manifest = ModelManifest.create(target, inputs, ProgressBar.onTerminal(err, "hashing  "));
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (output == null) {
            manifest.write(out, format);
            out.flush();
        } else {
            // Written beside the target and moved into place, so an interrupted run leaves no half manifest.
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            try (OutputStream o = Files.newOutputStream(tmp)) {
                manifest.write(o, format);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        long bytes = manifest.files().stream().mapToLong(ManifestEntry::size).sum();
        err.printf(Locale.ROOT, "basalt manifest: %s, %s hashed in %.1f s (%.0f MB/s)%s%n", files(manifest.files().size()),
                InspectCommand.bytes(bytes), seconds, bytes / 1e6 / Math.max(seconds, 1e-9), output == null ? "" : " -> " + output);
        return 0;
    }

    private static int verify(Arguments a, PrintStream out, PrintStream err) throws IOException {
        if (!a.hasNext()) {
            throw new UsageException("which manifest?");
        }
        Path file = Path.of(a.next());
        if (a.hasNext()) {
            throw new UsageException("one manifest at a time");
        }
        ModelManifest manifest = ModelManifest.read(file);
        VerificationReport report = manifest.verify(ProgressBar.onTerminal(err, "verifying"));
        report.problems().forEach(out::println);
        if (report.ok()) {
            out.printf("OK: %s (%s) verified against %s%n", files(report.filesMatched()), InspectCommand.bytes(report.bytesHashed()), file);
            return 0;
        }
        Map<ManifestProblem.Kind, Integer> counts = new TreeMap<>();
        report.problems().forEach(p -> counts.merge(p.kind(), 1, Integer::sum));
        StringBuilder summary = new StringBuilder();
        counts.forEach((k, n) -> summary.append(summary.isEmpty() ? "" : ", ").append(n).append(' ')
                .append(k.name().toLowerCase(Locale.ROOT).replace('_', ' ')));
        err.printf("basalt manifest verify: %s does not match: %s (%d of %d listed files intact)%n", file, summary,
                report.filesMatched(), manifest.files().size());
        return 1;
    }

    private static String files(int n) {
        return n + (n == 1 ? " file" : " files");
    }
}
