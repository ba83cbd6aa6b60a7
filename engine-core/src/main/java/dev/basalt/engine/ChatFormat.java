package dev.basalt.engine;

import dev.basalt.tokenizer.SpecialTokens;
import dev.basalt.tokenizer.TokenAttr;
import dev.basalt.tokenizer.Tokenizer;
import dev.basalt.tokenizer.Vocabulary;
import dev.basalt.tokenizer.template.ChatMessage;
import dev.basalt.tokenizer.template.ChatTemplate;
import dev.basalt.tokenizer.template.ChatTemplates;
import dev.basalt.tokenizer.template.TemplateException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a model wants a conversation written: its chat template bound to its tokenizer. Turns messages into prompt
 * token ids (special-token text parsed, BOS added only when the vocabulary asks for it and the template did not
 * write it) and knows what ends an assistant turn. Immutable and thread-safe.
 */
public final class ChatFormat {
    /** Stands for an assistant reply when finding what the template writes after one. */
    private static final String REPLY_PROBE = "BASALT_REPLY_PROBE";

    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final Map<String, Object> variables = new LinkedHashMap<>();
    private final Set<Integer> endOfTurnTokens;
    private final List<String> endOfTurnStrings;

    public ChatFormat(Tokenizer tokenizer, ChatTemplate template) {
        this.tokenizer = tokenizer;
        this.template = template;
        Vocabulary vocab = tokenizer.vocabulary();
        SpecialTokens special = vocab.special();
        // Templates write these as text (llama.cpp and transformers pass them too).
        variables.put("bos_token", special.bos() == SpecialTokens.NONE ? "" : vocab.token(special.bos()));
        variables.put("eos_token", special.eos() == SpecialTokens.NONE ? "" : vocab.token(special.eos()));
        String after = textAfterAReply();
        int[] ids = after.isEmpty() ? new int[0] : tokenizer.encode(after, false, true);
        if (ids.length > 0 && (vocab.is(ids[0], TokenAttr.CONTROL) || vocab.is(ids[0], TokenAttr.USER_DEFINED))) {
            endOfTurnTokens = Set.of(ids[0]);
            endOfTurnStrings = List.of();
        } else {
            // No token for it in this vocabulary: watch for its text, up to the first white space.
            endOfTurnTokens = Set.of();
            endOfTurnStrings = after.isEmpty() ? List.of() : List.of(after.split("\\s+", 2)[0]);
        }
    }

    /** The model's own template ({@code tokenizer.chat_template}). */
    public static ChatFormat of(Model model) {
        String source = ChatTemplates.fromGguf(model.metadata()).defaultTemplate()
                .orElseThrow(() -> new MissingChatTemplateException(model.source()));
        return new ChatFormat(model.tokenizer(), ChatTemplate.compile(source, "gguf:tokenizer.chat_template"));
    }

    /** {@code template} with the model's tokenizer, or the model's own template when {@code template} is null. */
    public static ChatFormat of(Model model, ChatTemplate template) {
        return template == null ? of(model) : new ChatFormat(model.tokenizer(), template);
    }

    public ChatTemplate template() {
        return template;
    }

    /**
     * The conversation as prompt text.
     *
     * @param addGenerationPrompt end with the opening of an assistant turn
     * @throws TemplateException when the template refuses the conversation ({@link TemplateException#reason()})
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return template.render(messages, addGenerationPrompt, variables);
    }

    /** The token ids that ask the model for the next assistant turn of {@code messages}. */
    public int[] promptTokens(List<ChatMessage> messages) {
        return tokenize(render(messages, true));
    }

    /**
     * As {@link #promptTokens(List)}, with the functions the model may call given to the template as {@code tools}
     * (OpenAI's tool definitions: a list of {@code {"type": "function", "function": {...}}}; null for none).
     */
    public int[] promptTokens(List<ChatMessage> messages, Object tools) {
        if (tools == null) {
            return promptTokens(messages);
        }
        Map<String, Object> withTools = new LinkedHashMap<>(variables);
        withTools.put("tools", tools);
        return tokenize(template.render(messages, true, withTools));
    }

    /** How this template writes function calls. */
    public ToolCallFormat toolCallFormat() {
        return ToolCallFormat.of(template);
    }

    /** Rendered text to ids: special-token text becomes those tokens; BOS is added unless the text starts with it. */
    public int[] tokenize(String rendered) {
        int[] ids = tokenizer.encode(rendered, false, true);
        SpecialTokens special = tokenizer.vocabulary().special();
        if (!special.addBos() || special.bos() == SpecialTokens.NONE || (ids.length > 0 && ids[0] == special.bos())) {
            return ids;
        }
        int[] withBos = new int[ids.length + 1];
        withBos[0] = special.bos();
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }

    /** The token that closes an assistant turn when it is a single special token (e.g. {@code <|im_end|>}). */
    public Set<Integer> endOfTurnTokens() {
        return endOfTurnTokens;
    }

    /** The text that closes an assistant turn when the vocabulary has no single token for it. */
    public List<String> endOfTurnStrings() {
        return endOfTurnStrings;
    }

    /** {@code options} that also stop where the template ends an assistant turn. */
    public GenerationOptions forReplies(GenerationOptions options) {
        return options.withMoreStops(endOfTurnStrings, endOfTurnTokens);
    }

    /**
     * What the template writes right after an assistant message (e.g. {@code <|im_end|>\n}, {@code <end_of_turn>}
     * or {@code </s>}), without surrounding white space; empty when it writes nothing or refuses the probe.
     */
    private String textAfterAReply() {
        String rendered;
        try {
            rendered = render(List.of(ChatMessage.user("Hi"), ChatMessage.assistant(REPLY_PROBE)), false);
        } catch (TemplateException e) {
            return "";
        }
        int at = rendered.lastIndexOf(REPLY_PROBE);
        return at < 0 ? "" : rendered.substring(at + REPLY_PROBE.length()).strip();
    }
}
