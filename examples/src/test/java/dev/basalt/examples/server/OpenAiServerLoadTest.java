package dev.basalt.examples.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.engine.ChatFormat;
import dev.basalt.engine.Model;
import dev.basalt.engine.ModelOptions;
import dev.basalt.tokenizer.template.ChatTemplate;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A bounded load on loopback: 32 concurrent streaming clients send 4 chat requests each to a server with 2 slots
 * and a queue of 6 on stories260K. Every request either streams to {@code [DONE]} or gets 429 with Retry-After;
 * afterwards no thread the server started is left and the heap is back where it was.
 */
@Tag("load")
class OpenAiServerLoadTest {
    static final int CLIENTS = 32;
    static final int REQUESTS_PER_CLIENT = 4;
    static final int SLOTS = 2;
    static final int QUEUE = 6;
    static final String BODY = "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story.\"}],"
            + "\"max_tokens\":24,\"stream\":true,\"stream_options\":{\"include_usage\":true}}";

    @Test
    void everyRequestCompletesOrIsToldToRetryAndNoThreadIsLeft() throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (Model model = Model.load(Path.of("../models/stories260K.gguf"), ModelOptions.defaults().withThreads(1))) {
            ChatFormat chatml = ChatFormat.of(model, ChatTemplate.compile(Files.readString(Path.of("../models/chatml.jinja")), "chatml"));
            Set<String> threadsBefore = liveThreads();
            long heapBefore = usedHeapAfterGc();

            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger completed = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            int peakServerThreads = 0;
            long wallNanos;
            try (OpenAiServer server = OpenAiServer.start(model, chatml, ServerOptions.defaults("stories260K")
                    .withAddress("127.0.0.1", 0).withConcurrency(SLOTS, QUEUE).withContextLength(256));
                 ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
                 HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> futures = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    futures.add(clients.submit(() -> {
                        go.await();
                        for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
                            long t0 = System.nanoTime();
                            HttpResponse<java.util.stream.Stream<String>> r = http.send(request, HttpResponse.BodyHandlers.ofLines());
                            List<String> lines = r.body().filter(l -> !l.isEmpty()).toList();
                            if (r.statusCode() == 200 && lines.getLast().equals("data: [DONE]")) {
                                JsonNode usage = json.readTree(lines.get(lines.size() - 2).substring(6)).get("usage");
                                if (usage == null || usage.get("completion_tokens").asInt() != 24) {
                                    failures.add("no usage or wrong count: " + lines.get(lines.size() - 2));
                                }
                                latencies.add(System.nanoTime() - t0);
                                completed.incrementAndGet();
                            } else if (r.statusCode() == 429 && r.headers().firstValue("Retry-After").orElse("").equals("1")
                                    && json.readTree(String.join("", lines)).at("/error/code").asText().equals("rate_limit_exceeded")) {
                                refused.incrementAndGet();
                            } else {
                                failures.add(r.statusCode() + " " + lines);
                            }
                        }
                        return null;
                    }));
                }
                long start = System.nanoTime();
                go.countDown();
                boolean running = true;
                while (running) {
                    peakServerThreads = Math.max(peakServerThreads, (int) liveThreads().stream().filter(n -> n.startsWith("basalt-http-")).count());
                    running = futures.stream().anyMatch(f -> !f.isDone());
                    Thread.sleep(2);
                }
                wallNanos = System.nanoTime() - start;
                for (Future<?> f : futures) {
                    f.get();
                }
                assertEquals(0, server.activeSessions());
                assertEquals(0, server.queuedRequests());
            }
            assertTrue(failures.isEmpty(), failures.toString());
            assertEquals(CLIENTS * REQUESTS_PER_CLIENT, completed.get() + refused.get());
            assertTrue(completed.get() >= SLOTS + QUEUE, "at least the first wave is served: " + completed);
            assertTrue(peakServerThreads <= SLOTS + QUEUE + 8, "server threads stay within the pool: " + peakServerThreads);

            Set<String> left = waitForThreads(threadsBefore);
            assertEquals(Set.of(), left, "threads left after close");
            long heapAfter = usedHeapAfterGc();
            assertTrue(heapAfter - heapBefore < 32L << 20, "heap grew by " + (heapAfter - heapBefore) + " bytes");

            List<Long> sorted = latencies.stream().sorted().toList();
            System.out.printf(Locale.ROOT, "load: %d requests (%d clients x %d), %d completed, %d refused with 429; %.1f completed requests/s;"
                    + " latency p50 %.0f ms, p99 %.0f ms; server threads peak %d (pool %d); threads before %d, after %d;"
                    + " heap after GC %+.1f MiB%n",
                    CLIENTS * REQUESTS_PER_CLIENT, CLIENTS, REQUESTS_PER_CLIENT, completed.get(), refused.get(),
                    completed.get() / (wallNanos / 1e9), percentile(sorted, 50) / 1e6, percentile(sorted, 99) / 1e6,
                    peakServerThreads, SLOTS + QUEUE + 8, threadsBefore.size(), liveThreads().size(), (heapAfter - heapBefore) / 1048576.0);
        }
    }

    static long percentile(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    static Set<String> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(t -> t.getName() + "#" + t.threadId()).collect(Collectors.toSet());
    }

    /** Threads alive now that were not before, once those ending have had a moment to end. */
    static Set<String> waitForThreads(Set<String> before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Set<String> extra = liveThreads().stream().filter(n -> !before.contains(n)).collect(Collectors.toSet());
            if (extra.isEmpty() || System.nanoTime() > deadline) {
                return extra;
            }
            Thread.sleep(20);
        }
    }

    static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
