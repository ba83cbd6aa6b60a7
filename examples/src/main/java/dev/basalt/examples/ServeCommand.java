package dev.basalt.examples;

import dev.basalt.engine.ChatFormat;
import dev.basalt.engine.Model;
import dev.basalt.engine.Pooling;
import dev.basalt.examples.server.OpenAiServer;
import dev.basalt.examples.server.ServerOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** {@code basalt serve}: the OpenAI-compatible HTTP server, until Ctrl-C or SIGTERM. */
final class ServeCommand implements Command {

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "serve a model over an OpenAI-compatible HTTP API (chat, completions, models, health, metrics)";
    }

    @Override
    public String usage() {
        return """
                usage: basalt serve --model <file.gguf> [options]
                  --host H               address to listen on (default 127.0.0.1: this machine only)
                  --port P               default 8080 (0 = any free port)
                  --api-key K            require 'Authorization: Bearer K' on every endpoint but /health
                                         (default: the BASALT_API_KEY environment variable; unset = no key)
                  --parallel N           requests generating at once, each with its own KV cache (default 1)
                  --queue N              requests that may wait for a slot (default 8); more get 429 + Retry-After
                  --kv-memory BYTES      KV cache budget of all slots together (default 4294967296)
                  --max-body BYTES       largest request body (default 1048576); larger ones get 413
                  --model-id NAME        the model's name in the API (default: the file name without .gguf)
                  --pooling P            pooling of /v1/embeddings: none, mean, cls, last, rank (default: the
                                         model's pooling_type; a generative model serves embeddings only with one)
                  --no-normalize         return embeddings as the model computes them (default: unit L2 length)
                """ + ChatFormatArguments.USAGE + "\n" + ModelArguments.USAGE + """

                                         (--ctx here: each slot's context, the longest prompt plus completion;
                                         by default the model's, capped so that all slots fit --kv-memory)
                Endpoints: GET /v1/models, POST /v1/chat/completions, POST /v1/completions, POST /v1/embeddings,
                POST /v1/rerank, GET /health, GET /metrics. An embedding model (bert, or one whose file declares a
                pooling) serves /v1/embeddings (or /v1/rerank for a reranker) and refuses generation with 400.
                Ctrl-C (SIGINT) or SIGTERM stops generations, answers waiting requests and exits.""";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Arguments a = new Arguments(args);
        ModelArguments modelArguments = new ModelArguments();
        ChatFormatArguments template = new ChatFormatArguments();
        ServerOptions defaults = ServerOptions.defaults("model");
        String host = defaults.host();
        int port = defaults.port();
        String apiKey = System.getenv("BASALT_API_KEY");
        int parallel = defaults.parallel();
        int queue = defaults.queue();
        long kvMemory = defaults.kvCacheBudgetBytes();
        long maxBody = defaults.maxBodyBytes();
        String modelId = null;
        Pooling pooling = null;
        boolean normalize = defaults.normalizeEmbeddings();
        while (a.hasNext()) {
            String opt = a.next();
            if (!modelArguments.parse(opt, a) && !template.parse(opt, a)) {
                switch (opt) {
                    case "--host" -> host = a.value(opt);
                    case "--port" -> port = a.intValue(opt);
                    case "--api-key" -> apiKey = a.value(opt);
                    case "--parallel" -> parallel = a.intValue(opt);
                    case "--queue" -> queue = a.intValue(opt);
                    case "--kv-memory" -> kvMemory = a.longValue(opt);
                    case "--max-body" -> maxBody = a.longValue(opt);
                    case "--model-id" -> modelId = a.value(opt);
                    case "--pooling" -> pooling = EmbeddingArguments.pooling(a.value(opt));
                    case "--no-normalize" -> normalize = false;
                    default -> throw new UsageException("unknown option " + opt);
                }
            }
        }
        Path modelPath = modelArguments.model(err);
        if (modelId == null) {
            modelId = modelPath.getFileName().toString().replaceFirst("(?i)\\.gguf$", "");
        }
        ServerOptions options;
        try {
            options = new ServerOptions(host, port, apiKey == null || apiKey.isEmpty() ? null : apiKey, parallel, queue,
                    modelArguments.contextLength(), kvMemory, maxBody, modelId, pooling, normalize);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Model model = modelArguments.load(modelPath, name(), err);
        OpenAiServer server;
        try {
            ChatFormat format = model.config().embeddingOnly() ? null : template.resolveIfAny(model);
            if (format == null && !model.config().embeddingOnly()) {
                err.println("basalt serve: warning: " + model.source() + " has no chat template: /v1/chat/completions will "
                        + "answer 400 (give one with --template <file>); /v1/completions works");
            }
            try {
                server = OpenAiServer.start(model, format, options);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            err.println("basalt serve: stopping");
            server.close();
            model.close();
            stopped.countDown();
        }, "basalt-serve-shutdown"));
        out.printf("basalt serve: listening on http://%s:%d (%s '%s', %d slot%s of %d positions, queue %d%s); Ctrl-C stops%n",
                host, server.port(), model.config().embeddingOnly() ? "embedding model" : "model", modelId, parallel,
                parallel == 1 ? "" : "s", server.contextLength(), queue,
                options.apiKey() == null ? "" : ", API key required");
        stopped.await();
        return 0;
    }
}
