package dev.basalt.engine;

import dev.basalt.tokenizer.IntList;
import dev.basalt.tokenizer.StreamingDetokenizer;
import dev.basalt.tokenizer.Tokenizer;
import java.util.function.Consumer;

/**
 * Generates text from a prompt with one {@link InferenceSession}: prefill the prompt in one batch, then sample
 * and decode token by token, streaming text as characters complete. Each call starts from an empty cache.
 * Not thread-safe; use one generator per thread (they may share the model).
 */
public final class Generator implements AutoCloseable {
    private final Tokenizer tokenizer;
    private final InferenceSession session;
    private final GenerationOptions options;
    /** End-of-generation ids the model's generation config adds to the vocabulary's own (sorted). */
    private final int[] extraEndIds;

    Generator(Tokenizer tokenizer, InferenceSession session, GenerationOptions options, int[] extraEndIds) {
        this.tokenizer = tokenizer;
        this.session = session;
        this.options = options;
        this.extraEndIds = extraEndIds.clone();
        java.util.Arrays.sort(this.extraEndIds);
    }

    public GenerationOptions options() {
        return options;
    }

    /**
     * Generates a continuation of {@code prompt}, calling {@code onToken} for each token as it is produced.
     *
     * @throws ContextOverflowException before any work when the prompt plus {@code maxTokens} exceed the context
     */
    public GenerationResult generate(String prompt, Consumer<GeneratedToken> onToken) {
        int[] promptIds = tokenizer.encode(prompt, options.addSpecial(), options.parseSpecial());
        return generate(promptIds, onToken);
    }

    /** As {@link #generate(String, Consumer)}, from prompt token ids. */
    public GenerationResult generate(int[] promptIds, Consumer<GeneratedToken> onToken) {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt is empty (no tokens): give some text or enable BOS");
        }
        int limit = options.maxTokens() == 0 ? session.contextLength() - promptIds.length : options.maxTokens();
        int needed = promptIds.length + options.maxTokens();
        if (needed > session.contextLength() || promptIds.length >= session.contextLength()) {
            throw ContextOverflowException.forGeneration(promptIds.length, options.maxTokens(), session.contextLength());
        }
        session.rewind(0);
        Sampler sampler = new Sampler(options.sampling(), tokenizer.vocabulary().size());
        for (int id : promptIds) {
            sampler.accept(id);
        }
        StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer, false);
        StopStringMatcher stops = new StopStringMatcher(options.stopStrings());
        StringBuilder text = new StringBuilder();
        IntList generated = new IntList();

        long t0 = System.nanoTime();
        float[] logits = session.forward(promptIds, false);
        long prefill = System.nanoTime() - t0;
        long decodeStart = System.nanoTime();
        StopReason reason = StopReason.MAX_TOKENS;
        while (true) {
            int token = sampler.sample(logits);
            sampler.accept(token);
            generated.add(token);
            if (tokenizer.vocabulary().special().isEndOfGeneration(token)
                    || java.util.Arrays.binarySearch(extraEndIds, token) >= 0) {
                reason = StopReason.END_OF_GENERATION;
                emit(onToken, token, stops.finish(detokenizer.flush()), text);
                break;
            }
            String piece = stops.feed(detokenizer.push(token));
            emit(onToken, token, piece, text);
            if (stops.matched()) {
                reason = StopReason.STOP_STRING;
                break;
            }
            if (generated.size() >= limit) {
                reason = options.maxTokens() == 0 ? StopReason.CONTEXT_FULL : StopReason.MAX_TOKENS;
                emit(onToken, token, stops.finish(detokenizer.flush()), text, true);
                break;
            }
            logits = session.forward(new int[] {token}, false);
        }
        long decode = System.nanoTime() - decodeStart;
        return new GenerationResult(text.toString(), generated.toArray(), promptIds.length, reason, prefill, decode);
    }

    private static void emit(Consumer<GeneratedToken> onToken, int token, String piece, StringBuilder text) {
        emit(onToken, token, piece, text, false);
    }

    private static void emit(Consumer<GeneratedToken> onToken, int token, String piece, StringBuilder text, boolean onlyIfText) {
        if (onlyIfText && piece.isEmpty()) {
            return;
        }
        text.append(piece);
        onToken.accept(new GeneratedToken(token, piece));
    }

    @Override
    public void close() {
        session.close();
    }
}
