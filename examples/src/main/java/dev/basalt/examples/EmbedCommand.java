package dev.basalt.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.engine.Embedder;
import dev.basalt.engine.Model;
import dev.basalt.engine.Pooling;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** {@code basalt embed --model m.gguf "text" ...}: one embedding per text, as llama.cpp computes it. */
final class EmbedCommand implements Command {

    @Override
    public String name() {
        return "embed";
    }

    @Override
    public String summary() {
        return "print the embedding of each text (bert, or a decoder whose file declares a pooling)";
    }

    @Override
    public String usage() {
        return """
                usage: basalt embed --model <file.gguf> "text" ... [options]
                """ + EmbeddingArguments.USAGE + "\n" + ModelArguments.USAGE + """

                Prints one vector per text and line, values separated by spaces (with --pooling none: one line per
                token, texts separated by an empty line); --json prints {"model", "pooling", "normalized", "data":
                [{"index", "text", "tokens", "embedding"}]}. All texts are embedded together, in packed batches.""";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Arguments a = new Arguments(args);
        ModelArguments modelArguments = new ModelArguments();
        EmbeddingArguments embedding = new EmbeddingArguments();
        while (a.hasNext()) {
            String opt = a.next();
            if (!modelArguments.parse(opt, a) && !embedding.parse(opt, a)) {
                throw new UsageException("unknown option " + opt);
            }
        }
        List<String> texts = embedding.texts("texts");
        try (Model model = Model.load(modelArguments.model(err), modelArguments.options())) {
            Embedder embedder = model.embedder(embedding.options());
            List<int[]> ids = texts.stream().map(embedder::tokenize).toList();
            // per text: its token rows (pooling none) or its one pooled row
            List<float[][]> vectors = embedder.pooling() == Pooling.NONE ? embedder.tokenEmbeddings(ids)
                    : Arrays.stream(embedder.embedTokens(ids)).map(row -> new float[][] {row}).toList();
            if (embedding.json()) {
                ObjectMapper json = new ObjectMapper();
                ObjectNode root = json.createObjectNode();
                root.put("model", model.source());
                root.put("pooling", embedder.pooling().toString());
                root.put("normalized", embedder.options().normalize());
                ArrayNode data = root.putArray("data");
                for (int i = 0; i < texts.size(); i++) {
                    ObjectNode item = data.addObject();
                    item.put("index", i);
                    item.put("text", texts.get(i));
                    item.put("tokens", ids.get(i).length);
                    ArrayNode rows = embedder.pooling() == Pooling.NONE ? item.putArray("embedding") : null;
                    for (float[] row : vectors.get(i)) {
                        ArrayNode values = rows != null ? rows.addArray() : item.putArray("embedding");
                        for (float v : row) {
                            values.add(v);
                        }
                    }
                }
                out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            } else {
                for (int i = 0; i < vectors.size(); i++) {
                    if (i > 0 && embedder.pooling() == Pooling.NONE) {
                        out.println();
                    }
                    for (float[] row : vectors.get(i)) {
                        StringBuilder line = new StringBuilder();
                        for (float v : row) {
                            if (!line.isEmpty()) {
                                line.append(' ');
                            }
                            line.append(v);
                        }
                        out.println(line);
                    }
                }
            }
        }
        return 0;
    }
}
