package dev.basalt.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The BPE merge engine shared by every BPE tokenizer (GGUF byte-level BPE and Hugging Face {@code BPE} models).
 * A word starts as one symbol per code point; the adjacent pair with the lowest merge rank is merged until no
 * rule applies. Symbols live in a linked list and candidate pairs in a min-heap ordered by (rank, position), so a
 * word of n symbols costs O(n log n). Results are cached per word. Thread-safe.
 */
public final class BpeModel {
    /** Words longer than this are not cached: they are rare and would crowd the cache. */
    private static final int MAX_CACHED_WORD = 256;
    private static final int CACHE_CAPACITY = 1 << 16;

    private final Vocabulary vocab;
    private final BpeMergeTable merges;
    private final boolean ignoreMerges;
    private final boolean byteFallback;
    private final int unk;
    private final boolean fuseUnk;
    /** Ids of the {@code <0xXX>} tokens when byte fallback is on. */
    private final int[] byteTokens;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param ignoreMerges a word that is itself a token becomes that token without merging (Llama 3)
     * @param byteFallback a code point that is no token becomes its UTF-8 bytes as {@code <0xXX>} tokens
     * @param unk the token for a code point that is no token otherwise, -1 to drop such code points
     * @param fuseUnk consecutive unknown code points give one {@code unk}
     */
    public BpeModel(Vocabulary vocab, BpeMergeTable merges, boolean ignoreMerges, boolean byteFallback, int unk,
            boolean fuseUnk) {
        this.vocab = vocab;
        this.merges = merges;
        this.ignoreMerges = ignoreMerges;
        this.byteFallback = byteFallback;
        this.unk = unk;
        this.fuseUnk = fuseUnk;
        this.byteTokens = new int[256];
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = vocab.id(String.format("<0x%02X>", b));
        }
    }

    /** A source of merge rules as token-text pairs, numbered from 0 in rank order. */
    public interface MergeSource {
        int size();

        /** The two token texts of rule {@code i}; a malformed rule throws with the source's wording. */
        String[] pair(int i);
    }

    /**
     * Resolves merge rules to token ids.
     *
     * @throws TokenizerException naming {@code source}, the rule and the token when a rule names a token (or
     *     produces a concatenation) that is not in the vocabulary
     */
    public static BpeMergeTable mergeTable(Vocabulary vocab, MergeSource rules, String source) {
        BpeMergeTable table = new BpeMergeTable(rules.size());
        for (int i = 0; i < rules.size(); i++) {
            String[] pair = rules.pair(i);
            int left = requireToken(vocab, pair[0], i, pair, source);
            int right = requireToken(vocab, pair[1], i, pair, source);
            int merged = requireToken(vocab, pair[0] + pair[1], i, pair, source);
            table.add(left, right, merged);
        }
        return table;
    }

    private static int requireToken(Vocabulary vocab, String token, int rule, String[] pair, String source) {
        int id = vocab.id(token);
        if (id < 0) {
            throw new TokenizerException(source + ": merge " + rule + " (\"" + pair[0] + "\" + \"" + pair[1]
                    + "\") names \"" + token + "\", which is not in the vocabulary");
        }
        return id;
    }

    public Vocabulary vocabulary() {
        return vocab;
    }

    /** Appends the tokens of {@code word} (already pre-tokenized and, for byte-level BPE, byte-encoded). */
    public void encodeWord(String word, IntList out) {
        if (word.isEmpty()) {
            return;
        }
        if (ignoreMerges) {
            int whole = vocab.id(word);
            if (whole >= 0) {
                out.add(whole);
                return;
            }
        }
        boolean cacheable = word.length() <= MAX_CACHED_WORD;
        int[] ids = cacheable ? cache.get(word) : null;
        if (ids == null) {
            ids = merge(initialSymbols(word));
            if (cacheable) {
                if (cache.size() >= CACHE_CAPACITY) {
                    cache.clear(); // crude but bounded; the working set of real text refills it quickly
                }
                cache.put(word, ids);
            }
        }
        out.addAll(ids);
    }

    /** One token per code point; byte fallback or unk where the code point is no token. */
    private IntList initialSymbols(String word) {
        IntList symbols = new IntList(word.length());
        boolean previousUnk = false;
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            int n = Character.charCount(cp);
            String ch = word.substring(i, i + n);
            i += n;
            int id = vocab.id(ch);
            if (id >= 0) {
                symbols.add(id);
                previousUnk = false;
                continue;
            }
            if (byteFallback && addBytes(ch, symbols)) {
                previousUnk = false;
                continue;
            }
            if (unk >= 0 && !(fuseUnk && previousUnk)) {
                symbols.add(unk);
            }
            previousUnk = unk >= 0;
        }
        return symbols;
    }

    private boolean addBytes(String ch, IntList symbols) {
        byte[] utf8 = ch.getBytes(StandardCharsets.UTF_8);
        for (byte b : utf8) {
            if (byteTokens[b & 0xFF] < 0) {
                return false;
            }
        }
        for (byte b : utf8) {
            symbols.add(byteTokens[b & 0xFF]);
        }
        return true;
    }

    /** Applies the merge rules by rank, leftmost first among equal ranks. */
    private int[] merge(IntList initial) {
        int n = initial.size();
        int[] ids = initial.toArray();
        if (n < 2) {
            return ids;
        }
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PairHeap heap = new PairHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            offer(heap, ids, i, i + 1);
        }
        boolean[] removed = new boolean[n];
        int alive = n;
        while (!heap.isEmpty()) {
            long top = heap.poll();
            int rank = (int) (top >>> 32);
            int left = (int) top;
            int right = next[left];
            // Stale entry: the left symbol was merged away, or its pair changed since it was queued.
            if (removed[left] || right < 0 || merges.rank(ids[left], ids[right]) != rank) {
                continue;
            }
            ids[left] = merges.mergedId(rank);
            removed[right] = true;
            alive--;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= 0) {
                offer(heap, ids, prev[left], left);
            }
            if (next[left] >= 0) {
                offer(heap, ids, left, next[left]);
            }
        }
        int[] result = new int[alive];
        int k = 0;
        for (int i = 0; i >= 0; i = next[i]) {
            result[k++] = ids[i];
        }
        return result;
    }

    private void offer(PairHeap heap, int[] ids, int left, int right) {
        int rank = merges.rank(ids[left], ids[right]);
        if (rank >= 0) {
            heap.add(((long) rank << 32) | left);
        }
    }

    /** A min-heap of primitive longs: (rank << 32 | left position), so ties go to the leftmost pair. */
    private static final class PairHeap {
        private long[] items;
        private int size;

        PairHeap(int capacity) {
            items = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void add(long v) {
            if (size == items.length) {
                items = Arrays.copyOf(items, items.length * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (items[parent] <= v) {
                    break;
                }
                items[i] = items[parent];
                i = parent;
            }
            items[i] = v;
        }

        long poll() {
            long top = items[0];
            long last = items[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && items[child + 1] < items[child]) {
                    child++;
                }
                if (last <= items[child]) {
                    break;
                }
                items[i] = items[child];
                i = child;
            }
            items[i] = last;
            return top;
        }
    }
}
