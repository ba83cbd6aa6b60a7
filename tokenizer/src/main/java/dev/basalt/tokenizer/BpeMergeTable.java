package dev.basalt.tokenizer;

import java.util.Arrays;

/**
 * The merge rules of a BPE vocabulary by token id: the pair (left, right) merges with priority {@code rank}
 * (lower merges first) into token {@code merged}. An open-addressing table keyed by the id pair, so that
 * 500 000 rules cost two arrays rather than half a million boxed map entries.
 */
public final class BpeMergeTable {
    private static final long EMPTY = -1L;

    private final long[] keys;
    private final int[] ranks;
    private final int mask;
    /** Indexed by rank. */
    private final int[] mergedIds;
    private int size;

    /** @param capacity the number of rules that will be added */
    public BpeMergeTable(int capacity) {
        int slots = Integer.highestOneBit(Math.max(4, capacity * 2 - 1)) << 1;
        keys = new long[slots];
        Arrays.fill(keys, EMPTY);
        ranks = new int[slots];
        mask = slots - 1;
        mergedIds = new int[Math.max(1, capacity)];
    }

    /**
     * Adds the rule with the next rank. A pair already present keeps its first (lower) rank, as llama.cpp does.
     *
     * @return false when the pair was already present
     */
    public boolean add(int left, int right, int merged) {
        if (size == mergedIds.length) {
            throw new IllegalStateException("more merges than the declared capacity " + mergedIds.length);
        }
        long key = key(left, right);
        int slot = slot(key);
        if (keys[slot] == key) {
            return false;
        }
        keys[slot] = key;
        ranks[slot] = size;
        mergedIds[size] = merged;
        size++;
        return true;
    }

    /** The rank of the rule merging {@code left} and {@code right}, or -1 when there is none. */
    public int rank(int left, int right) {
        long key = key(left, right);
        int slot = slot(key);
        return keys[slot] == key ? ranks[slot] : -1;
    }

    /** The token the rule of rank {@code rank} produces. */
    public int mergedId(int rank) {
        return mergedIds[rank];
    }

    public int size() {
        return size;
    }

    private int slot(long key) {
        int h = (int) (key ^ (key >>> 29) ^ (key >>> 47)) * 0x9E3779B9;
        int slot = (h ^ (h >>> 16)) & mask;
        while (keys[slot] != EMPTY && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }
}
