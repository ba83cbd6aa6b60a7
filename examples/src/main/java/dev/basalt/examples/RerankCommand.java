package dev.basalt.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.engine.Model;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/** {@code basalt rerank --model r.gguf --query Q doc ...}: a cross-encoder's score of each document for the query. */
final class RerankCommand implements Command {

    @Override
    public String name() {
        return "rerank";
    }

    @Override
    public String summary() {
        return "score documents against a query with a reranker (bert cross-encoder), best first";
    }

    @Override
    public String usage() {
        return """
                usage: basalt rerank --model <reranker.gguf> --query "question" "document" ... [options]
                  --query Q              the query (required)
                  --top-n N              print only the N best documents
                """ + EmbeddingArguments.USAGE + "\n" + ModelArguments.USAGE + """

                Prints one line per document, best first: its index (from 0), its raw score (the classifier's
                logit, no sigmoid, as llama.cpp's server returns it) and the document, separated by tabs; --json
                prints {"model", "results": [{"index", "relevance_score", "document"}]}. Query and document are
                joined as llama.cpp's server joins them: [CLS] query [SEP] document [SEP] for BERT.""";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Arguments a = new Arguments(args);
        ModelArguments modelArguments = new ModelArguments();
        EmbeddingArguments embedding = new EmbeddingArguments();
        String query = null;
        int topN = Integer.MAX_VALUE;
        while (a.hasNext()) {
            String opt = a.next();
            if (!modelArguments.parse(opt, a)) {
                switch (opt) {
                    case "--query" -> query = a.value(opt);
                    case "--top-n" -> topN = a.intValue(opt);
                    default -> {
                        if (!embedding.parse(opt, a)) {
                            throw new UsageException("unknown option " + opt);
                        }
                    }
                }
            }
        }
        if (query == null) {
            throw new UsageException("which query? (--query \"...\")");
        }
        if (topN < 1) {
            throw new UsageException("--top-n must be at least 1, got " + topN);
        }
        List<String> documents = embedding.texts("documents");
        try (Model model = Model.load(modelArguments.model(err), modelArguments.options())) {
            float[] scores = model.embedder(embedding.options()).rerank(query, documents);
            List<Integer> ranked = IntStream.range(0, scores.length).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(i -> scores[i]).reversed()).limit(topN).toList();
            if (embedding.json()) {
                ObjectMapper json = new ObjectMapper();
                ObjectNode root = json.createObjectNode();
                root.put("model", model.source());
                ArrayNode results = root.putArray("results");
                for (int i : ranked) {
                    results.addObject().put("index", i).put("relevance_score", scores[i]).put("document", documents.get(i));
                }
                out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            } else {
                for (int i : ranked) {
                    out.printf(Locale.ROOT, "%d\t%.6f\t%s%n", i, scores[i], documents.get(i));
                }
            }
        }
        return 0;
    }
}
