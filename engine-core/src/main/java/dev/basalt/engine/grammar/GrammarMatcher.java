package dev.basalt.engine.grammar;

import dev.basalt.engine.TokenMask;
import java.util.Set;

/**
 * Where one generation stands in a {@link Grammar}, and which tokens may come next: those whose bytes keep the
 * output a prefix of a sentence of the grammar, found by one walk of the {@link TokenTrie} that drops a whole
 * subtree as soon as its prefix is dead. End tokens (the vocabulary's end of generation and the given ones, e.g.
 * a chat template's end of turn) are allowed only when the output is complete.
 *
 * <p>The set for a configuration seen recently is remembered, and the automaton remembers its transitions, so in
 * the common case (inside a string, between values) a step costs a copy of the mask. Allocates only when it meets
 * a configuration it has not seen. Not thread-safe: one per generation.
 */
public final class GrammarMatcher {
    private static final int REMEMBERED_MASKS = 64;

    private final GrammarAutomaton automaton;
    private final TokenTrie trie;
    private final int[] endTokens;
    private final int[] walk;
    private final int[] rememberedFor = new int[REMEMBERED_MASKS];
    private final TokenMask[] remembered = new TokenMask[REMEMBERED_MASKS];
    private int configuration;

    /**
     * @param endTokens tokens that end generation (the vocabulary's EOS/EOT/EOM and any stop tokens)
     */
    public GrammarMatcher(Grammar grammar, TokenTrie trie, Set<Integer> endTokens) {
        this.automaton = new GrammarAutomaton(grammar);
        this.trie = trie;
        this.endTokens = endTokens.stream().mapToInt(Integer::intValue).filter(t -> t >= 0 && t < trie.vocabSize).toArray();
        this.walk = new int[trie.maxDepth + 1];
        this.configuration = automaton.initial();
        java.util.Arrays.fill(rememberedFor, -1);
    }

    /** Whether the output so far is a complete sentence of the grammar. */
    public boolean isComplete() {
        return automaton.accepting(configuration);
    }

    /** Whether the output can go on (false: it is complete and nothing may follow, so generation ends). */
    public boolean canContinue() {
        return automaton.canContinue(configuration);
    }

    /** Sets {@code mask} to the tokens allowed next. */
    public void allowedTokens(TokenMask mask) {
        int compacted = automaton.compact(configuration);
        if (compacted != configuration) {
            configuration = compacted;
            java.util.Arrays.fill(rememberedFor, -1);
        }
        int slot = configuration & (REMEMBERED_MASKS - 1);
        if (rememberedFor[slot] == configuration) {
            mask.copyFrom(remembered[slot]);
            return;
        }
        mask.clear();
        walkTrie(mask);
        if (automaton.accepting(configuration)) {
            for (int t : endTokens) {
                mask.add(t);
            }
        }
        if (remembered[slot] == null) {
            remembered[slot] = new TokenMask(mask.vocabSize());
        }
        remembered[slot].copyFrom(mask);
        rememberedFor[slot] = configuration;
    }

    /** Depth-first over the trie, carrying the configuration at each depth; a dead node skips its subtree. */
    private void walkTrie(TokenMask mask) {
        byte[] label = trie.label;
        int[] depth = trie.depth;
        int[] subtreeEnd = trie.subtreeEnd;
        int[] tokenStart = trie.tokenStart;
        int[] tokens = trie.tokens;
        int nodes = label.length;
        walk[0] = configuration;
        int i = 0;
        while (i < nodes) {
            int d = depth[i];
            int next = automaton.next(walk[d - 1], label[i] & 0xFF);
            if (next == GrammarAutomaton.DEAD) {
                i = subtreeEnd[i];
                continue;
            }
            walk[d] = next;
            for (int t = tokenStart[i]; t < tokenStart[i + 1]; t++) {
                mask.add(tokens[t]);
            }
            i++;
        }
    }

    /**
     * Advances past token {@code token}.
     *
     * @throws IllegalStateException when the grammar does not allow it here
     */
    public void accept(int token) {
        byte[] bytes = token >= 0 && token < trie.vocabSize ? trie.tokenBytes[token] : null;
        if (bytes == null) {
            for (int t : endTokens) {
                if (t == token && isComplete()) {
                    return;
                }
            }
            throw new IllegalStateException("token " + token + " is not allowed by the grammar here");
        }
        int c = configuration;
        for (byte b : bytes) {
            c = automaton.next(c, b & 0xFF);
            if (c == GrammarAutomaton.DEAD) {
                throw new IllegalStateException("token " + token + " is not allowed by the grammar here");
            }
        }
        configuration = c;
    }
}
