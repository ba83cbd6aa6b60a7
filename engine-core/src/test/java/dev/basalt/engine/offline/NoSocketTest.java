package dev.basalt.engine.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "No code path opens a socket" (DESIGN), checked on what the library actually runs: {@link OfflineWorkload}
 * (GGUF read, manifest verification, model load, tokenize, generate) in a fresh JVM that logs every class it
 * loads. Every way Java code can reach the network (Socket, ServerSocket, DatagramSocket, the NIO channels,
 * HttpClient, URLConnection to a host, and name lookup through InetAddress) has to load one of the gateway classes
 * below; none may appear. A fresh JVM, because a test runner's own JVM may load them for its own reasons.
 *
 * <p>What it proves: no Java code on these paths opened, or even tried to open, a socket or resolved a name. What it
 * does not: native code reached through FFM calling socket(2) itself; the CI run of the installed bundle inside a
 * network namespace with no interface covers that (see BundleIT).
 */
class NoSocketTest {
    static final Set<String> NETWORK_GATEWAYS = Set.of(
            "sun.nio.ch.Net",                       // every TCP/UDP socket's file descriptor is made here
            "sun.nio.ch.NioSocketImpl",             // java.net.Socket and ServerSocket
            "sun.nio.ch.UnixDomainSockets",         // AF_UNIX channels
            "java.net.InetAddress",                 // name resolution, and every socket address
            "java.net.Socket", "java.net.ServerSocket", "java.net.DatagramSocket",
            "java.net.http.HttpClient",
            "sun.net.www.protocol.http.HttpURLConnection");
    private static final Pattern LOADED = Pattern.compile("^\\[[^]]*\\]\\[info\\]\\[class,load\\] (\\S+) source:", Pattern.MULTILINE);

    @TempDir
    Path dir;

    @Test
    void libraryPathsLoadNoNetworkClass() throws Exception {
        Run run = workload();
        assertTrue(run.output().contains(OfflineWorkload.DONE + "8 tokens"), run.output());
        assertTrue(run.loaded().contains("dev.basalt.engine.Model"), "the log sees our own classes");
        assertTrue(run.loaded().size() > 500, "a whole JVM's worth of classes was logged: " + run.loaded().size());
        assertEquals(Set.of(), networkClasses(run.loaded()));
    }

    @Test
    void theCheckSeesASocketWhenOneIsOpened() throws Exception {
        Run run = workload("--open-socket");
        assertTrue(run.output().contains("socket control: "), run.output());
        assertTrue(networkClasses(run.loaded()).containsAll(Set.of("sun.nio.ch.Net", "java.net.InetAddress")), run.loaded().toString());
    }

    private static Set<String> networkClasses(Set<String> loaded) {
        Set<String> hits = new TreeSet<>(loaded);
        hits.retainAll(NETWORK_GATEWAYS);
        return hits;
    }

    record Run(String output, Set<String> loaded) {
    }

    private Run workload(String... extra) throws IOException, InterruptedException {
        Path log = dir.resolve("classes.log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Xlog:class+load=info:file=" + log,
                "-cp", System.getProperty("java.class.path"), OfflineWorkload.class.getName(),
                "../models/stories260K.gguf", "../models/stories260K.manifest.json"));
        command.addAll(List.of(extra));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        Set<String> loaded = new TreeSet<>();
        Matcher m = LOADED.matcher(Files.readString(log));
        while (m.find()) {
            loaded.add(m.group(1));
        }
        return new Run(output, loaded);
    }
}
