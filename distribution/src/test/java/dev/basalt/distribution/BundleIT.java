package dev.basalt.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Installs the offline bundle the way a user on the far side of an air gap does (unpack the tar.gz anywhere) and
 * runs it with nothing to lean on: HOME is an empty folder (no ~/.m2), the environment holds only PATH and
 * JAVA_HOME, the working directory is elsewhere, and, where the kernel allows a network namespace, there is no
 * network interface but a loopback that is down. {@code BASALT_REQUIRE_NETNS=1} (set by CI) makes that last part
 * mandatory instead of best effort.
 */
class BundleIT {
    /** llama.cpp's greedy continuation of the bundled model (as in RunCommandTest). */
    private static final String STORY = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park."
            + " One day, she saw a big, red ball.";

    @TempDir
    static Path tmp;
    static Path root;
    static Path home;
    static List<String> isolation;

    @BeforeAll
    static void install() throws Exception {
        Path bundle = Path.of(System.getProperty("basalt.bundle"));
        Path install = Files.createDirectories(tmp.resolve("opt"));
        Result untar = exec(List.of("tar", "-xzf", bundle.toString(), "-C", install.toString()), install);
        assertEquals(0, untar.status(), untar.err());
        try (Stream<Path> top = Files.list(install)) {
            List<Path> dirs = top.toList();
            assertEquals(1, dirs.size(), "the archive holds one top folder: " + dirs);
            root = dirs.get(0);
        }
        assertEquals(bundle.getFileName().toString().replace(".tar.gz", ""), root.getFileName().toString());
        home = Files.createDirectories(tmp.resolve("empty-home"));
        isolation = networkIsolation();
    }

    /** {@code unshare --net --map-root-user} when it works here (root or user namespaces), else nothing. */
    private static List<String> networkIsolation() throws Exception {
        List<String> unshare = List.of("unshare", "--net", "--map-root-user");
        List<String> probe = new ArrayList<>(unshare);
        probe.addAll(List.of("cat", "/proc/net/dev"));
        Result r;
        try {
            r = exec(probe, tmp);
        } catch (IOException e) {
            r = new Result(-1, "", e.getMessage());
        }
        if (r.status() == 0) {
            // /proc/net/dev: two header lines, then one line per interface.
            List<String> interfaces = r.out().lines().skip(2).map(l -> l.strip().split(":")[0]).toList();
            assertEquals(List.of("lo"), interfaces, "a fresh network namespace has only loopback");
            return unshare;
        }
        if ("1".equals(System.getenv("BASALT_REQUIRE_NETNS"))) {
            fail("BASALT_REQUIRE_NETNS=1 but no network namespace can be made here: " + r.err());
        }
        System.err.println("BundleIT: no network namespace here (" + r.err().strip() + "); running with the network present");
        return List.of();
    }

    @Test
    void everyFileIsInSha256SumsAndCoreutilsAgrees() throws Exception {
        Result check = exec(List.of("sha256sum", "--check", "--strict", "--quiet", "SHA256SUMS"), root);
        assertEquals(0, check.status(), check.out() + check.err());
        Set<String> listed = new TreeSet<>();
        for (String line : Files.readAllLines(root.resolve("SHA256SUMS"))) {
            listed.add(line.substring(66));
        }
        Set<String> present = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).filter(p -> !p.equals("SHA256SUMS"))
                    .forEach(present::add);
        }
        assertEquals(present, listed);
        assertTrue(listed.containsAll(List.of("bin/basalt", "README.md", "docs/runbook.md", "models/stories260K.gguf",
                "models/LICENSE.stories260K", "sbom/basalt-sbom.json", "licenses/README.md")), listed.toString());
        assertTrue(Files.isExecutable(root.resolve("bin/basalt")));
    }

    @Test
    void theSbomNamesEveryJarAndEveryThirdPartyJarCarriesItsLicence() throws Exception {
        JsonNode bom = new ObjectMapper().readTree(root.resolve("sbom/basalt-sbom.json").toFile());
        assertEquals("CycloneDX", bom.get("bomFormat").asText());
        Set<String> components = new HashSet<>();
        for (JsonNode c : bom.get("components")) {
            components.add(c.get("name").asText() + "-" + c.get("version").asText() + ".jar");
            if (!c.get("group").asText().equals("dev.basalt")) {
                assertTrue(c.path("licenses").size() > 0, "SBOM has no licence for " + c.get("name"));
            }
        }
        List<String> jars;
        try (Stream<Path> lib = Files.list(root.resolve("lib"))) {
            jars = lib.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertTrue(jars.contains("jackson-databind-" + com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION + ".jar"), jars.toString());
        for (String jar : jars) {
            assertTrue(components.contains(jar), jar + " is shipped but not in the SBOM " + components);
            if (!jar.startsWith("examples-") && !isBasaltModule(jar)) {
                Path licence = root.resolve("licenses").resolve(jar.replace(".jar", "-jar")).resolve("META-INF/LICENSE");
                assertTrue(Files.isRegularFile(licence), "no licence for " + jar + " at " + licence);
            }
        }
        assertEquals(components.size(), jars.size(), "the SBOM lists exactly what lib/ holds");
    }

    private static boolean isBasaltModule(String jar) {
        return Stream.of("tensor-", "gguf-loader-", "tokenizer-", "kernels-cpu-", "kernels-gpu-", "engine-core-").anyMatch(jar::startsWith);
    }

    @Test
    void runsOfflineWithAnEmptyHome() throws Exception {
        Result run = basalt("run", "--model", "models/stories260K.gguf", "--verify", "models/stories260K.manifest.json",
                "--prompt", "Once upon a time", "-n", "40", "--temp", "0", "--threads", "1");
        assertEquals(0, run.status(), run.err());
        assertEquals(STORY, run.out().strip());
        assertTrue(run.err().startsWith("basalt run: 5 prompt tokens, 40 generated"), run.err());

        Result tokenize = basalt("tokenize", "models/stories260K.gguf", "Once upon a time");
        assertEquals(0, tokenize.status(), tokenize.err());
        assertEquals("403 407 261 378", tokenize.out().lines().findFirst().orElseThrow());

        Result inspect = basalt("inspect", "models/stories260K.gguf", "--no-tensors");
        assertEquals(0, inspect.status(), inspect.err());
        assertTrue(inspect.out().contains("format:   GGUF v3, alignment 32"), inspect.out());

        Result verify = basalt("manifest", "verify", "SHA256SUMS");
        assertEquals(0, verify.status(), verify.out() + verify.err());
        assertTrue(verify.out().startsWith("OK: "), verify.out());

        Result broken = basalt("inspect", "no-such.gguf");
        assertEquals(1, broken.status());
        assertEquals("basalt inspect: no such file: no-such.gguf", broken.err().strip());

        try (Stream<Path> left = Files.list(home)) {
            assertEquals(List.of(), left.toList(), "nothing is written to HOME (no caches, no ~/.m2)");
        }
    }

    /** Runs bin/basalt by its absolute path from a folder outside the bundle, paths given relative to the bundle. */
    private static Result basalt(String... args) throws Exception {
        List<String> command = new ArrayList<>(isolation);
        command.add(root.resolve("bin/basalt").toString());
        for (String a : args) {
            command.add(a.startsWith("models/") || a.equals("SHA256SUMS") ? root.resolve(a).toString() : a);
        }
        return exec(command, Files.createDirectories(tmp.resolve("elsewhere")));
    }

    record Result(int status, String out, String err) {
    }

    private static Result exec(List<String> command, Path workDir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
        pb.environment().put("HOME", home == null ? tmp.toString() : home.toString());
        // The bundle needs a JDK 25 on the target (no runtime image inside): the one running this test.
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        // Read to end of stream, not to process exit: bin/basalt's stderr filter may still be writing when java exits.
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        String out = readAll(p.getInputStream());
        return new Result(p.waitFor(), out, err.join());
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
