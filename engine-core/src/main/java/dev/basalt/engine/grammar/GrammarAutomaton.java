package dev.basalt.engine.grammar;

import dev.basalt.tokenizer.IntList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link Grammar} over bytes as a pushdown automaton made deterministic on the fly. A <em>stack</em> says
 * where matching is: its top is a terminal to match next, the entries below are where to return when a rule
 * ends. A <em>configuration</em> is the set of stacks the bytes so far may have led to (a grammar can be
 * ambiguous). Stacks and configurations are interned as ints and each (configuration, byte) transition is
 * computed once and remembered, so walking the vocabulary trie step after step is mostly array lookups.
 *
 * <p>A configuration holding the empty stack is <em>accepting</em> (the text so far is a complete sentence).
 * Memory grows with the configurations met; {@link #compact(int)} forgets all but one. Not thread-safe.
 */
final class GrammarAutomaton {
    static final int DEAD = -1;
    private static final int UNKNOWN = -2;
    /** The stack with nothing left to match. */
    private static final int EMPTY_STACK = 0;
    /** Past this many configurations, {@link #compact(int)} starts afresh (each may hold a 1 KiB table). */
    private static final int MAX_CONFIGURATIONS = 20_000;

    private final Grammar grammar;
    private final int[] symbols;

    private int[] stackTop;
    private int[] stackBelow;
    private int stackCount;
    private final Map<Long, Integer> stackIds = new HashMap<>();

    private final List<int[]> configurations = new ArrayList<>();
    private final Map<Configuration, Integer> configurationIds = new HashMap<>();
    private int[][] transitions;

    private final IntList scratch = new IntList();

    /** The sorted stack ids of a configuration, as a hash key. */
    private record Configuration(int[] stacks) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Configuration c && Arrays.equals(stacks, c.stacks);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(stacks);
        }
    }

    GrammarAutomaton(Grammar grammar) {
        this.grammar = grammar;
        this.symbols = grammar.symbols;
        reset();
    }

    private void reset() {
        stackTop = new int[1024];
        stackBelow = new int[1024];
        stackIds.clear();
        stackTop[0] = -1;
        stackBelow[0] = -1;
        stackCount = 1;
        configurations.clear();
        configurationIds.clear();
        transitions = new int[64][];
    }

    /** The configuration before any byte: the alternatives of the root rule. */
    int initial() {
        scratch.clear();
        for (int start : grammar.alternatives[grammar.root]) {
            expand(start, EMPTY_STACK, scratch);
        }
        return intern(scratch);
    }

    /** The configuration after byte {@code b} (0..255), or {@link #DEAD} when no stack accepts it. */
    int next(int configuration, int b) {
        int[] row = transitions[configuration];
        if (row != null) {
            int known = row[b];
            if (known != UNKNOWN) {
                return known;
            }
        } else {
            row = new int[256];
            Arrays.fill(row, UNKNOWN);
            transitions[configuration] = row;
        }
        int result = advance(configuration, b);
        row[b] = result;
        return result;
    }

    boolean accepting(int configuration) {
        return configurations.get(configuration)[0] == EMPTY_STACK;
    }

    /** Whether some stack can still take a byte (otherwise the sentence can only end here). */
    boolean canContinue(int configuration) {
        int[] stacks = configurations.get(configuration);
        return stacks.length > 1 || stacks[0] != EMPTY_STACK;
    }

    /**
     * When too many configurations have accumulated, forgets them all but {@code configuration} and returns its
     * new id (ids held elsewhere become invalid); otherwise returns it unchanged.
     */
    int compact(int configuration) {
        if (configurations.size() < MAX_CONFIGURATIONS) {
            return configuration;
        }
        int[] stacks = configurations.get(configuration);
        List<int[]> materialized = new ArrayList<>();
        for (int s : stacks) {
            IntList positions = new IntList();
            for (int at = s; at != EMPTY_STACK; at = stackBelow[at]) {
                positions.add(stackTop[at]);
            }
            materialized.add(positions.toArray());
        }
        reset();
        scratch.clear();
        for (int[] positions : materialized) {
            int s = EMPTY_STACK;
            for (int i = positions.length - 1; i >= 0; i--) {
                s = stack(positions[i], s);
            }
            scratch.add(s);
        }
        return intern(scratch);
    }

    private int advance(int configuration, int b) {
        scratch.clear();
        for (int s : configurations.get(configuration)) {
            if (s == EMPTY_STACK) {
                continue;
            }
            int top = stackTop[s];
            if (grammar.accepts(symbols[top], b)) {
                expand(top + 1, stackBelow[s], scratch);
            }
        }
        return scratch.isEmpty() ? DEAD : intern(scratch);
    }

    /**
     * Adds to {@code out} the stacks whose tops are terminals reachable from position {@code at} with
     * {@code below} underneath: rule references push their alternatives, ends of alternatives return.
     */
    private void expand(int at, int below, IntList out) {
        int symbol = symbols[at];
        if (symbol == Grammar.END) {
            if (below == EMPTY_STACK) {
                out.add(EMPTY_STACK);
            } else {
                expand(stackTop[below], stackBelow[below], out);
            }
        } else if (Grammar.isTerminal(symbol)) {
            out.add(stack(at, below));
        } else {
            // A reference last in its alternative returns straight to the caller: right recursion stays flat.
            int returnTo = symbols[at + 1] == Grammar.END ? below : stack(at + 1, below);
            for (int start : grammar.alternatives[symbol]) {
                expand(start, returnTo, out);
            }
        }
    }

    private int stack(int top, int below) {
        long key = ((long) top << 32) | (below & 0xFFFFFFFFL);
        Integer id = stackIds.get(key);
        if (id != null) {
            return id;
        }
        if (stackCount == stackTop.length) {
            stackTop = Arrays.copyOf(stackTop, stackCount * 2);
            stackBelow = Arrays.copyOf(stackBelow, stackCount * 2);
        }
        stackTop[stackCount] = top;
        stackBelow[stackCount] = below;
        stackIds.put(key, stackCount);
        return stackCount++;
    }

    private int intern(IntList stacks) {
        int[] sorted = stacks.toArray();
        Arrays.sort(sorted);
        int n = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                sorted[n++] = sorted[i];
            }
        }
        Configuration key = new Configuration(Arrays.copyOf(sorted, n));
        Integer id = configurationIds.get(key);
        if (id != null) {
            return id;
        }
        id = configurations.size();
        configurations.add(key.stacks());
        configurationIds.put(key, id);
        if (id == transitions.length) {
            transitions = Arrays.copyOf(transitions, id * 2);
        }
        return id;
    }
}
