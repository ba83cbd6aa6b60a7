package dev.basalt.engine.grammar;

import dev.basalt.tokenizer.IntList;
import dev.basalt.tokenizer.TokenAttr;
import dev.basalt.tokenizer.Tokenizer;
import dev.basalt.tokenizer.Vocabulary;
import java.util.Arrays;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The vocabulary's tokens as a trie over the bytes they produce, laid out in depth-first order so that a walk is
 * a loop over arrays: node {@code i} has a byte, a depth, the index just past its subtree (to skip a dead
 * branch at once) and the tokens that end there. Built once per tokenizer (about a second for 150k tokens) and
 * shared; immutable and thread-safe.
 *
 * <p>Only text tokens are in the trie: control tokens, unknown and unused ones, and tokens that produce no bytes
 * are left out (a grammar can only allow them as the end of generation).
 */
public final class TokenTrie {
    private static final Map<Tokenizer, TokenTrie> CACHE = new WeakHashMap<>();

    final int vocabSize;
    final byte[] label;
    final int[] depth;
    final int[] subtreeEnd;
    /** Tokens ending at node i: {@code tokens[tokenStart[i] .. tokenStart[i + 1])}. */
    final int[] tokenStart;
    final int[] tokens;
    final int maxDepth;
    /** Each token's bytes; null for the tokens left out. */
    final byte[][] tokenBytes;

    private TokenTrie(int vocabSize, byte[] label, int[] depth, int[] subtreeEnd, int[] tokenStart, int[] tokens,
            int maxDepth, byte[][] tokenBytes) {
        this.vocabSize = vocabSize;
        this.label = label;
        this.depth = depth;
        this.subtreeEnd = subtreeEnd;
        this.tokenStart = tokenStart;
        this.tokens = tokens;
        this.maxDepth = maxDepth;
        this.tokenBytes = tokenBytes;
    }

    /** The trie of {@code tokenizer}'s vocabulary, built on first use and kept while the tokenizer lives. */
    public static TokenTrie of(Tokenizer tokenizer) {
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(tokenizer, TokenTrie::build);
        }
    }

    static TokenTrie build(Tokenizer tokenizer) {
        Vocabulary vocab = tokenizer.vocabulary();
        int n = vocab.size();
        byte[][] bytes = new byte[n][];
        IntList eligible = new IntList(n);
        int excluded = TokenAttr.CONTROL | TokenAttr.UNKNOWN | TokenAttr.UNUSED;
        for (int id = 0; id < n; id++) {
            if ((vocab.attr(id) & excluded) != 0) {
                continue;
            }
            byte[] b = tokenizer.pieceBytes(id, false);
            if (b.length > 0) {
                bytes[id] = b;
                eligible.add(id);
            }
        }
        Integer[] order = new Integer[eligible.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = eligible.get(i);
        }
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(bytes[a], bytes[b]));

        IntList labels = new IntList(n * 2);
        IntList depths = new IntList(n * 2);
        IntList ends = new IntList(n * 2);
        IntList tokenNode = new IntList(order.length);
        int[] nodeAt = new int[1];
        byte[] previous = new byte[0];
        int maxDepth = 0;
        for (int id : order) {
            byte[] b = bytes[id];
            int common = Arrays.mismatch(previous, b);
            if (common < 0) {
                common = b.length; // same bytes as the previous token: same node
            }
            for (int d = common + 1; d <= previous.length; d++) {
                ends.set(nodeAt[d], labels.size()); // the previous token's deeper nodes are complete
            }
            if (b.length >= nodeAt.length) {
                nodeAt = Arrays.copyOf(nodeAt, Math.max(b.length + 1, nodeAt.length * 2));
            }
            for (int d = common + 1; d <= b.length; d++) {
                nodeAt[d] = labels.size();
                labels.add(b[d - 1]);
                depths.add(d);
                ends.add(-1);
            }
            tokenNode.add(nodeAt[b.length]);
            maxDepth = Math.max(maxDepth, b.length);
            previous = b;
        }
        for (int d = 1; d <= previous.length; d++) {
            ends.set(nodeAt[d], labels.size());
        }
        int nodes = labels.size();
        byte[] label = new byte[nodes];
        for (int i = 0; i < nodes; i++) {
            label[i] = (byte) labels.get(i);
        }
        int[] tokenStart = new int[nodes + 1];
        int[] tokens = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            tokenStart[tokenNode.get(i) + 1]++;
            tokens[i] = order[i]; // tokens arrive in node order, so the list is already grouped by node
        }
        for (int i = 0; i < nodes; i++) {
            tokenStart[i + 1] += tokenStart[i];
        }
        return new TokenTrie(n, label, depths.toArray(), ends.toArray(), tokenStart, tokens, maxDepth, bytes);
    }

    /** The number of nodes (for tests and reports). */
    public int nodeCount() {
        return label.length;
    }
}
