package dev.basalt.engine;

import dev.basalt.engine.grammar.GrammarMatcher;
import dev.basalt.engine.grammar.TokenTrie;
import dev.basalt.tokenizer.IntList;
import dev.basalt.tokenizer.SpecialTokens;
import dev.basalt.tokenizer.StreamingDetokenizer;
import dev.basalt.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Generates text from a prompt with one {@link InferenceSession}: prefill the prompt in one batch, then sample
 * and decode token by token, streaming text as characters complete.
 *
 * <p>The session's cache is kept between calls: a prompt that starts with tokens the previous call already ran
 * (the earlier turns of a chat, a shared system prompt) rewinds to the end of that shared prefix and runs only the
 * rest. The output is the same as from an empty cache.
 *
 * <p>If {@code onToken} throws, generation stops there and the exception propagates; the generator stays usable
 * (this is how a caller cancels, e.g. when the client of a stream has gone). Not thread-safe; use one generator per
 * thread (they may share the model).
 */
public final class Generator implements AutoCloseable {
    private final Tokenizer tokenizer;
    private final InferenceSession session;
    private final GenerationOptions options;
    /** The tokens whose keys and values are in the session's cache, in order (position i holds token i). */
    private final IntList cached = new IntList();

    Generator(Tokenizer tokenizer, InferenceSession session, GenerationOptions options) {
        this.tokenizer = tokenizer;
        this.session = session;
        this.options = options;
    }

    /** The options {@link #generate(String, Consumer)} and {@link #generate(int[], Consumer)} use. */
    public GenerationOptions options() {
        return options;
    }

    /** Tokens currently held in the session's cache (the prompt and output of the last call, but its last token). */
    public int cachedTokens() {
        return cached.size();
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
        return generate(promptIds, options, onToken);
    }

    /**
     * As {@link #generate(int[], Consumer)} with other options for this call ({@code addSpecial} and
     * {@code parseSpecial} do not apply to ids).
     */
    public GenerationResult generate(int[] promptIds, GenerationOptions options, Consumer<GeneratedToken> onToken) {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt is empty (no tokens): give some text or enable BOS");
        }
        int limit = options.maxTokens() == 0 ? session.contextLength() - promptIds.length : options.maxTokens();
        int needed = promptIds.length + options.maxTokens();
        if (needed > session.contextLength() || promptIds.length >= session.contextLength()) {
            throw ContextOverflowException.forGeneration(promptIds.length, options.maxTokens(), session.contextLength());
        }
        int reused = reusablePrefix(promptIds);
        session.rewind(reused);
        cached.truncate(reused);
        Sampler sampler = new Sampler(options.sampling(), tokenizer.vocabulary().size());
        for (int id : promptIds) {
            sampler.accept(id);
        }
        StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer, false);
        StopStringMatcher stops = new StopStringMatcher(options.stopStrings());
        StringBuilder text = new StringBuilder();
        IntList generated = new IntList();
        GrammarMatcher grammar = options.grammar() == null ? null : newMatcher(options);
        TokenMask allowed = grammar == null ? null : new TokenMask(tokenizer.vocabulary().size());

        long t0 = System.nanoTime();
        float[] logits = feed(Arrays.copyOfRange(promptIds, reused, promptIds.length));
        long prefill = System.nanoTime() - t0;
        long decodeStart = System.nanoTime();
        StopReason reason;
        while (true) {
            if (grammar != null) {
                grammar.allowedTokens(allowed);
                if (allowed.isEmpty()) {
                    throw new IllegalStateException("no token of the vocabulary can continue the grammar after "
                            + text.length() + " characters of output: " + text);
                }
            }
            int token = sampler.sample(logits, allowed);
            sampler.accept(token);
            generated.add(token);
            if (grammar != null) {
                grammar.accept(token);
            }
            if (tokenizer.vocabulary().special().isEndOfGeneration(token) || options.stopTokens().contains(token)) {
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
            if (grammar != null && !grammar.canContinue()) {
                reason = StopReason.GRAMMAR_COMPLETE;
                emit(onToken, token, stops.finish(detokenizer.flush()), text, true);
                break;
            }
            if (generated.size() >= limit) {
                reason = options.maxTokens() == 0 ? StopReason.CONTEXT_FULL : StopReason.MAX_TOKENS;
                emit(onToken, token, stops.finish(detokenizer.flush()), text, true);
                break;
            }
            logits = feed(new int[] {token});
        }
        long decode = System.nanoTime() - decodeStart;
        return new GenerationResult(text.toString(), generated.toArray(), promptIds.length, reused, reason, prefill, decode);
    }

    /** A matcher whose end tokens are the vocabulary's end of generation and the options' stop tokens. */
    private GrammarMatcher newMatcher(GenerationOptions options) {
        Set<Integer> ends = new HashSet<>(options.stopTokens());
        SpecialTokens special = tokenizer.vocabulary().special();
        for (int id : new int[] {special.eos(), special.eot(), special.eom()}) {
            if (id != SpecialTokens.NONE) {
                ends.add(id);
            }
        }
        return new GrammarMatcher(options.grammar(), TokenTrie.of(tokenizer), ends);
    }

    /**
     * How many leading tokens of {@code promptIds} a generation would take from the cache; at most all but the
     * last, which must run again to give the logits of the first new token. A pool of generators can hand a prompt
     * to the one that shares most of it.
     */
    public int reusablePrefix(int[] promptIds) {
        int max = Math.min(cached.size(), promptIds.length - 1);
        int n = 0;
        while (n < max && cached.get(n) == promptIds[n]) {
            n++;
        }
        return n;
    }

    private float[] feed(int[] tokens) {
        float[] logits = session.forward(tokens, false);
        cached.addAll(tokens);
        return logits;
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
