package dev.basalt.examples;

import dev.basalt.tokenizer.Tokenizer;
import dev.basalt.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** {@code basalt tokenize <model-or-tokenizer> "text"}: the ids a model's tokenizer gives, and their pieces. */
final class TokenizeCommand implements Command {

    @Override
    public String name() {
        return "tokenize";
    }

    @Override
    public String summary() {
        return "print the token ids (and pieces) of a text, as the model's tokenizer splits it";
    }

    @Override
    public String usage() {
        return """
                usage: basalt tokenize <model.gguf | tokenizer.json | hf-folder> ("text" | --file <path>) [options]
                  --add-special    add BOS/EOS as the vocabulary asks
                  --parse-special  turn special-token text such as <|eot_id|> into that token
                  --ids-only       print only the ids line
                Prints the ids on one line, space-separated, then one line per token: id, then the piece as
                the vocabulary stores it (quoted, escaped).""";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Path model = null;
        String text = null;
        boolean addSpecial = false;
        boolean parseSpecial = false;
        boolean idsOnly = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--add-special" -> addSpecial = true;
                case "--parse-special" -> parseSpecial = true;
                case "--ids-only" -> idsOnly = true;
                case "--file" -> {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("--file needs a path");
                    }
                    if (text != null) {
                        throw new UsageException("give the text or --file, not both");
                    }
                    Path file = Path.of(args.get(++i));
                    if (!Files.exists(file)) {
                        throw new NoSuchFileException(file.toString());
                    }
                    text = Files.readString(file, StandardCharsets.UTF_8);
                }
                default -> {
                    if (a.startsWith("--")) {
                        throw new UsageException("unknown option " + a);
                    }
                    if (model == null) {
                        model = Path.of(a);
                    } else if (text == null) {
                        text = a;
                    } else {
                        throw new UsageException("one text at a time (quote it)");
                    }
                }
            }
        }
        if (model == null || text == null) {
            throw new UsageException(model == null ? "which model or tokenizer?" : "which text? (give it, or --file <path>)");
        }
        if (!Files.exists(model)) {
            throw new NoSuchFileException(model.toString());
        }
        Tokenizer tokenizer = Tokenizers.load(model);
        int[] ids = tokenizer.encode(text, addSpecial, parseSpecial);
        StringBuilder line = new StringBuilder();
        for (int id : ids) {
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(id);
        }
        out.println(line);
        if (!idsOnly) {
            for (int id : ids) {
                out.printf("%8d  %s%n", id, dev.basalt.gguf.MetadataValue.string(tokenizer.vocabulary().token(id)).display(0));
            }
        }
        return 0;
    }
}
