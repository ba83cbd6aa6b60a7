package dev.basalt.tokenizer.template;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A compiled Hugging Face chat template: renders a conversation to the prompt text exactly as transformers'
 * {@code apply_chat_template(messages, tools=..., add_generation_prompt=..., tokenize=False)} does (Jinja2 with
 * {@code trim_blocks}, {@code lstrip_blocks}, the immutable sandbox, {@code raise_exception} and
 * {@code strftime_now}). Immutable and safe to share between threads; every rendering is bounded by
 * {@link RenderLimits}.
 */
public final class ChatTemplate {
    private final String name;
    private final String source;
    private final List<Statement> body;
    private final Clock clock;
    private final RenderLimits limits;

    private ChatTemplate(String name, String source, List<Statement> body, Clock clock, RenderLimits limits) {
        this.name = name;
        this.source = source;
        this.body = body;
        this.clock = clock;
        this.limits = limits;
    }

    /**
     * @param name how errors name the template (a file name, or {@code gguf:tokenizer.chat_template})
     * @throws TemplateException of kind {@link TemplateException.Kind#SYNTAX} with line and column
     */
    public static ChatTemplate compile(String source, String name) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(name, "name");
        return new ChatTemplate(name, source, Parser.parse(source, name), Clock.systemDefaultZone(), RenderLimits.DEFAULT);
    }

    public String name() {
        return name;
    }

    /** The template's text (e.g. to recognize how it writes tool calls). */
    public String source() {
        return source;
    }

    /** A copy whose {@code strftime_now} reads this clock (local date-time in the clock's zone). */
    public ChatTemplate withClock(Clock clock) {
        return new ChatTemplate(name, source, body, Objects.requireNonNull(clock, "clock"), limits);
    }

    public ChatTemplate withLimits(RenderLimits limits) {
        return new ChatTemplate(name, source, body, clock, Objects.requireNonNull(limits, "limits"));
    }

    /**
     * Renders a conversation. The template sees {@code messages}, {@code add_generation_prompt}, {@code tools} and
     * {@code documents} (None unless {@code extra} gives them, as transformers passes them), and every entry of
     * {@code extra}: {@code bos_token}, {@code eos_token}, {@code tools} (a list of OpenAI tool definitions),
     * {@code enable_thinking}, ... Values may be strings, numbers, booleans, null, maps, lists or Jackson nodes.
     *
     * @throws TemplateException when the template fails or calls {@code raise_exception} (kind
     *     {@link TemplateException.Kind#RAISED}, whose {@link TemplateException#reason()} is the template's message)
     * @throws IllegalArgumentException when an extra value has no template equivalent
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, ?> extra) {
        Map<String, Object> variables = new LinkedHashMap<>();
        List<Object> list = new ArrayList<>();
        messages.forEach(m -> list.add(m.toTemplateValue()));
        variables.put("messages", list);
        variables.put("tools", null);
        variables.put("documents", null);
        variables.put("add_generation_prompt", addGenerationPrompt);
        if (extra != null) {
            variables.putAll(extra);
        }
        return render(variables);
    }

    /** Renders with exactly these top-level variables. */
    public String render(Map<String, ?> variables) {
        Map<String, Object> context = new LinkedHashMap<>();
        variables.forEach((k, v) -> context.put(k, ContextValues.convert(v)));
        return Interpreter.render(body, name, context, limits, clock);
    }
}
