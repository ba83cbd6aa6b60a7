package dev.basalt.engine.grammar;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What makes a grammar unusable although it parses: left recursion (a rule that can reach itself before reading
 * a byte, so matching would expand forever) and rules the root reaches that can never complete (every
 * alternative needs the rule again, or a character class that matches nothing).
 */
final class GrammarChecks {
    private final List<String> names;
    private final List<List<int[]>> bodies;
    private final List<int[]> origins;
    private final List<long[]> terminals;
    private final boolean[] nullable;
    private final boolean[] productive;

    GrammarChecks(List<String> names, List<List<int[]>> bodies, List<int[]> origins, List<long[]> terminals) {
        this.names = names;
        this.bodies = bodies;
        this.origins = origins;
        this.terminals = terminals;
        this.nullable = fixpoint(true);
        this.productive = fixpoint(false);
    }

    void check(int root) {
        boolean[] reachable = reachable(root);
        for (int r = 0; r < names.size(); r++) {
            if (reachable[r] && !productive[r]) {
                throw error(r, "rule '" + names.get(r) + "' can never complete: each of its alternatives needs "
                        + "itself again or something that matches nothing");
            }
        }
        int[] state = new int[names.size()]; // 0 new, 1 on the path, 2 done
        Deque<Integer> path = new ArrayDeque<>();
        for (int r = 0; r < names.size(); r++) {
            if (reachable[r]) {
                leftRecursion(r, state, path);
            }
        }
    }

    /**
     * Nullable (a rule can match the empty string) when {@code empty}, otherwise productive (a rule can match
     * some finite string): the least fixpoint over the rules.
     */
    private boolean[] fixpoint(boolean empty) {
        boolean[] holds = new boolean[names.size()];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int r = 0; r < names.size(); r++) {
                if (holds[r]) {
                    continue;
                }
                for (int[] alternative : bodies.get(r)) {
                    if (allHold(alternative, holds, empty)) {
                        holds[r] = true;
                        changed = true;
                        break;
                    }
                }
            }
        }
        return holds;
    }

    private boolean allHold(int[] alternative, boolean[] holds, boolean empty) {
        for (int s : alternative) {
            boolean ok = Grammar.isTerminal(s) ? !empty && matchesSomething(s) : holds[s];
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private boolean matchesSomething(int terminal) {
        long[] set = terminals.get(Grammar.terminalIndex(terminal));
        return (set[0] | set[1] | set[2] | set[3]) != 0;
    }

    private boolean[] reachable(int root) {
        boolean[] seen = new boolean[names.size()];
        Deque<Integer> todo = new ArrayDeque<>(List.of(root));
        seen[root] = true;
        while (!todo.isEmpty()) {
            for (int[] alternative : bodies.get(todo.pop())) {
                for (int s : alternative) {
                    if (!Grammar.isTerminal(s) && !seen[s]) {
                        seen[s] = true;
                        todo.push(s);
                    }
                }
            }
        }
        return seen;
    }

    /** Depth-first search over "r can begin with s" edges; a back edge is left recursion. */
    private void leftRecursion(int r, int[] state, Deque<Integer> path) {
        if (state[r] == 2) {
            return;
        }
        if (state[r] == 1) {
            List<String> cycle = new ArrayList<>();
            boolean in = false;
            for (java.util.Iterator<Integer> it = path.descendingIterator(); it.hasNext(); ) {
                int p = it.next();
                in |= p == r;
                if (in) {
                    cycle.add(names.get(p));
                }
            }
            cycle.add(names.get(r));
            throw error(r, "left recursion: " + String.join(" -> ", cycle) + " (a rule may not begin with itself "
                    + "before matching anything; write it with repetition, e.g. sum ::= term (\"+\" term)*)");
        }
        state[r] = 1;
        path.push(r);
        for (int[] alternative : bodies.get(r)) {
            for (int s : alternative) {
                if (Grammar.isTerminal(s)) {
                    break;
                }
                leftRecursion(s, state, path);
                if (!nullable[s]) {
                    break;
                }
            }
        }
        path.pop();
        state[r] = 2;
    }

    private GrammarException error(int rule, String message) {
        int[] at = origins.get(rule);
        return new GrammarException(message, at[0], at[1]);
    }
}
