package dev.basalt.gguf.manifest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * coreutils' {@code sha256sum} format: one "64-hex-digit hash, space, space-or-star, path" line per file.
 * Read back, it covers its own folder in full (Basalt writes one for every file of a folder), so unlisted
 * files there are reported. coreutils escapes names holding a newline or backslash; such names are refused.
 */
final class Sha256Sums {
    private static final Pattern LINE = Pattern.compile("([0-9a-fA-F]{64}) [ *](.+)");

    private Sha256Sums() {
    }

    static void write(ModelManifest manifest, OutputStream out) throws IOException {
        StringBuilder s = new StringBuilder();
        for (ManifestEntry e : manifest.files()) {
            if (e.path().contains("\n") || e.path().contains("\\")) {
                throw new ManifestException(e.path() + ": a name with a newline or backslash cannot be written to SHA256SUMS");
            }
            s.append(e.sha256()).append("  ").append(e.path()).append('\n');
        }
        out.write(s.toString().getBytes(StandardCharsets.UTF_8));
    }

    static ModelManifest read(byte[] bytes, Path base, Path manifestFile) {
        List<ManifestEntry> entries = new ArrayList<>();
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isBlank()) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new ManifestException(manifestFile + ": line " + (i + 1) + ": expected '<64 hex digits>  <path>'"
                        + " (a JSON manifest starts with '{'), got '" + abbreviate(line) + "'");
            }
            String path = m.group(2).startsWith("./") ? m.group(2).substring(2) : m.group(2);
            entries.add(new ManifestEntry(path, ManifestEntry.UNKNOWN_SIZE, m.group(1).toLowerCase(Locale.ROOT), null));
        }
        if (entries.isEmpty()) {
            throw new ManifestException(manifestFile + ": lists no files");
        }
        return new ModelManifest(base, manifestFile, List.of("."), entries);
    }

    private static String abbreviate(String line) {
        return line.length() <= 60 ? line : line.substring(0, 57) + "...";
    }
}
