package dev.basalt.examples;

import dev.basalt.engine.ChatFormat;
import dev.basalt.engine.MissingChatTemplateException;
import dev.basalt.engine.Model;
import dev.basalt.tokenizer.template.ChatTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --template FILE}: a Jinja chat template that replaces (or stands in for) the model's own. */
final class ChatFormatArguments {
    // A text block loses its indentation; usage lines are indented by two.
    static final String USAGE = """
              --template FILE        a Jinja chat template to use instead of the model's own (needed when the
                                     model has none, e.g. models/chatml.jinja for models/stories260K.gguf)""".indent(2).stripTrailing();

    private Path template;

    /** Takes {@code option} (and its value) if it is {@code --template}; false if it is not. */
    boolean parse(String option, Arguments a) {
        if (!option.equals("--template")) {
            return false;
        }
        template = Path.of(a.value(option));
        return true;
    }

    /** The given template, or the model's. */
    ChatFormat resolve(Model model) throws IOException {
        try {
            return ChatFormat.of(model, compiledTemplate());
        } catch (MissingChatTemplateException e) {
            throw new UsageException(e.getMessage() + "; give one with --template <file>");
        }
    }

    /** The given template, the model's, or null when there is neither. */
    ChatFormat resolveIfAny(Model model) throws IOException {
        try {
            return ChatFormat.of(model, compiledTemplate());
        } catch (MissingChatTemplateException e) {
            return null;
        }
    }

    private ChatTemplate compiledTemplate() throws IOException {
        return template == null ? null : ChatTemplate.compile(Files.readString(template), template.toString());
    }
}
