package dev.basalt.gguf.manifest;

import dev.basalt.gguf.GgufFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A list of files with their sizes and SHA-256 hashes (and, for GGUF files, what model they hold), relative to
 * the folder the manifest lives in, so manifest and models travel together across an air gap. It also records
 * which folders it covers in full: verification reports a file in one of them that it does not list.
 *
 * <p>Made on the connected side with {@link #create}, checked on the target with {@link #verify} (every
 * problem) or {@link #verifyModel} (one model file, before it is loaded; what {@code basalt run --verify} uses).
 */
public final class ModelManifest {
    /** Written as "manifestVersion"; a reader refuses versions it does not know. */
    public static final int FORMAT_VERSION = 1;
    static final String SOURCE_IN_MEMORY = "<new manifest>";

    private final Path baseDir;
    private final String source;
    private final Path manifestFile;
    private final List<String> directories;
    private final Map<String, ManifestEntry> files;

    ModelManifest(Path baseDir, Path manifestFile, List<String> directories, List<ManifestEntry> entries) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
        this.manifestFile = manifestFile == null ? null : manifestFile.toAbsolutePath().normalize();
        this.source = manifestFile == null ? SOURCE_IN_MEMORY : manifestFile.toString();
        this.directories = List.copyOf(new TreeSet<>(directories));
        Map<String, ManifestEntry> byPath = new TreeMap<>();
        for (ManifestEntry e : entries) {
            if (byPath.put(e.path(), e) != null) {
                throw new ManifestException(source + ": " + e.path() + " is listed twice");
            }
        }
        this.files = byPath;
    }

    /**
     * Hashes {@code inputs} (files, and folders walked in full) into a manifest whose paths are relative to
     * the folder of {@code manifestFile}, where it is meant to be written. The manifest file itself is never
     * listed, so re-creating one in place works.
     *
     * @throws dev.basalt.gguf.ModelFormatException for a file that starts like GGUF but cannot be read as GGUF v2/v3: a manifest
     *     certifies what model a hash stands for, so an unreadable model is refused rather than listed blind
     */
    public static ModelManifest create(Path manifestFile, List<Path> inputs, HashProgress progress) throws IOException {
        Path target = manifestFile.toAbsolutePath().normalize();
        Path base = target.getParent();
        Map<String, Path> toHash = new TreeMap<>();
        List<String> dirs = new ArrayList<>();
        for (Path input : inputs) {
            Path abs = input.toAbsolutePath().normalize();
            if (Files.isDirectory(abs)) {
                dirs.add(relative(base, abs));
                for (Path f : regularFiles(abs)) {
                    if (!f.equals(target)) {
                        toHash.put(relative(base, f), f);
                    }
                }
            } else if (Files.isRegularFile(abs)) {
                toHash.put(relative(base, abs), abs);
            } else {
                throw new NoSuchFileException(input.toString(), null, "not a file or folder");
            }
        }
        long total = 0;
        for (Path f : toHash.values()) {
            total += Files.size(f);
        }
        Sha256Hasher hasher = new Sha256Hasher(total, progress);
        List<ManifestEntry> entries = new ArrayList<>();
        for (Map.Entry<String, Path> e : toHash.entrySet()) {
            Path f = e.getValue();
            GgufFacts facts = null;
            if (startsWithGgufMagic(f)) {
                try (GgufFile gguf = GgufFile.open(f)) {
                    facts = GgufFacts.of(gguf);
                }
            }
            entries.add(new ManifestEntry(e.getKey(), Files.size(f), hasher.hash(f), facts));
        }
        return new ModelManifest(base, null, dirs, entries);
    }

    /** Reads a manifest in either {@link ManifestFormat}; its paths resolve against the folder it is in. */
    public static ModelManifest read(Path manifestFile) throws IOException {
        byte[] bytes = Files.readAllBytes(manifestFile);
        Path base = manifestFile.toAbsolutePath().normalize().getParent();
        int first = 0;
        while (first < bytes.length && Character.isWhitespace(bytes[first])) {
            first++;
        }
        if (first < bytes.length && bytes[first] == '{') {
            return ManifestJson.read(bytes, base, manifestFile);
        }
        return Sha256Sums.read(bytes, base, manifestFile);
    }

    public void write(OutputStream out, ManifestFormat format) throws IOException {
        switch (format) {
            case JSON -> ManifestJson.write(this, out);
            case SHA256SUMS -> Sha256Sums.write(this, out);
        }
    }

    /** Recomputes every listed file's size and hash and looks for unlisted files in the covered folders. */
    public VerificationReport verify(HashProgress progress) throws IOException {
        List<ManifestProblem> problems = new ArrayList<>();
        Map<ManifestEntry, Path> toHash = new TreeMap<>((a, b) -> a.path().compareTo(b.path()));
        long total = 0;
        for (ManifestEntry e : files.values()) {
            Path f = baseDir.resolve(e.path()).normalize();
            ManifestProblem p = checkPresence(e, f);
            if (p != null) {
                problems.add(p);
            } else {
                toHash.put(e, f);
                total += Files.size(f);
            }
        }
        Sha256Hasher hasher = new Sha256Hasher(total, progress);
        int matched = 0;
        for (Map.Entry<ManifestEntry, Path> e : toHash.entrySet()) {
            ManifestProblem p = checkHash(e.getKey(), e.getValue(), hasher);
            if (p == null) {
                matched++;
            } else {
                problems.add(p);
            }
        }
        for (String dir : directories) {
            Path d = baseDir.resolve(dir).normalize();
            if (!Files.isDirectory(d)) {
                problems.add(new ManifestProblem(ManifestProblem.Kind.MISSING, dir, null, null));
                continue;
            }
            for (Path f : regularFiles(d)) {
                String rel = relative(baseDir, f);
                if (!files.containsKey(rel) && !f.equals(manifestFile)) {
                    problems.add(new ManifestProblem(ManifestProblem.Kind.EXTRA, rel, null, null));
                }
            }
        }
        problems.sort((a, b) -> a.path().compareTo(b.path()));
        return new VerificationReport(matched, hasher.doneBytes(), problems);
    }

    /**
     * Checks one model file (or every listed file inside a model folder) against this manifest before it is
     * loaded: the shared mechanism behind {@code --verify}.
     *
     * @return the matching entries
     * @throws ModelIntegrityException when a file's size or hash differs
     * @throws ManifestException when the manifest does not list the model
     */
    public List<ManifestEntry> verifyModel(Path model, HashProgress progress) throws IOException {
        Path abs = model.toAbsolutePath().normalize();
        if (!Files.exists(abs)) {
            throw new NoSuchFileException(model.toString());
        }
        List<ManifestEntry> listed = new ArrayList<>();
        long total = 0;
        for (ManifestEntry e : files.values()) {
            Path f = baseDir.resolve(e.path()).normalize();
            boolean inside = Files.isDirectory(abs) ? f.startsWith(abs) : sameFile(f, abs);
            if (inside) {
                ManifestProblem p = checkPresence(e, f);
                if (p != null) {
                    throw new ModelIntegrityException(source, p);
                }
                listed.add(e);
                total += Files.size(f);
            }
        }
        if (listed.isEmpty()) {
            throw new ManifestException(model + " is not listed in manifest " + source + " (which lists "
                    + (files.size() == 1 ? files.keySet().iterator().next() : files.size() + " files") + ")");
        }
        Sha256Hasher hasher = new Sha256Hasher(total, progress);
        for (ManifestEntry e : listed) {
            ManifestProblem p = checkHash(e, baseDir.resolve(e.path()).normalize(), hasher);
            if (p != null) {
                throw new ModelIntegrityException(source, p);
            }
        }
        return listed;
    }

    /** Where the listed paths are relative to. */
    public Path baseDir() {
        return baseDir;
    }

    /** The manifest file it was read from, or a placeholder for one just created. */
    public String source() {
        return source;
    }

    /** Folders (relative paths) the manifest covers in full. */
    public List<String> directories() {
        return directories;
    }

    /** Every listed file, in path order. */
    public List<ManifestEntry> files() {
        return List.copyOf(files.values());
    }

    private static ManifestProblem checkPresence(ManifestEntry e, Path f) throws IOException {
        if (!Files.exists(f)) {
            return new ManifestProblem(ManifestProblem.Kind.MISSING, e.path(), null, null);
        }
        if (!Files.isRegularFile(f)) {
            return new ManifestProblem(ManifestProblem.Kind.NOT_A_FILE, e.path(), "a file",
                    Files.isDirectory(f) ? "a folder is there" : "not a regular file");
        }
        long size = Files.size(f);
        if (e.sizeKnown() && size != e.size()) {
            return new ManifestProblem(ManifestProblem.Kind.SIZE_MISMATCH, e.path(), Long.toString(e.size()), Long.toString(size));
        }
        return null;
    }

    private static ManifestProblem checkHash(ManifestEntry e, Path f, Sha256Hasher hasher) throws IOException {
        String actual = hasher.hash(f);
        return actual.equals(e.sha256()) ? null : new ManifestProblem(ManifestProblem.Kind.HASH_MISMATCH, e.path(), e.sha256(), actual);
    }

    private static boolean sameFile(Path listed, Path model) throws IOException {
        return listed.equals(model) || (Files.exists(listed) && Files.isSameFile(listed, model));
    }

    private static List<Path> regularFiles(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> p.toAbsolutePath().normalize()).sorted().toList();
        }
    }

    /** '/'-separated path of {@code file} relative to {@code base} ("." for the base itself). */
    static String relative(Path base, Path file) {
        String rel = base.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        return rel.isEmpty() ? "." : rel;
    }

    private static boolean startsWithGgufMagic(Path file) throws IOException {
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(magic, 0, 4) == 4 && Arrays.equals(magic, new byte[] {'G', 'G', 'U', 'F'});
        }
    }
}
