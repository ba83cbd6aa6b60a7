package dev.basalt.engine.grammar;

import dev.basalt.engine.grammar.GbnfSyntax.AnyChar;
import dev.basalt.engine.grammar.GbnfSyntax.CharClass;
import dev.basalt.engine.grammar.GbnfSyntax.Element;
import dev.basalt.engine.grammar.GbnfSyntax.Group;
import dev.basalt.engine.grammar.GbnfSyntax.Literal;
import dev.basalt.engine.grammar.GbnfSyntax.Repeat;
import dev.basalt.engine.grammar.GbnfSyntax.Rule;
import dev.basalt.engine.grammar.GbnfSyntax.RuleRef;
import dev.basalt.tokenizer.IntList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers parsed GBNF to a {@link Grammar}: literals become one terminal per byte, character classes byte sets or
 * small rules of UTF-8 sequences, groups and repetitions helper rules (right-recursive, so matching never loops),
 * and then checks that the root exists, no rule is left-recursive, and every reachable rule can complete.
 */
final class GrammarCompiler {
    /** Guards against {@code x{999999}} blowing up memory. */
    private static final int MAX_SYMBOLS = 2_000_000;

    private final List<String> names = new ArrayList<>();
    private final List<List<int[]>> bodies = new ArrayList<>();
    /** Where each rule comes from in the text (helper rules: the rule they were made for). */
    private final List<int[]> origins = new ArrayList<>();
    private final Map<String, Integer> ids = new HashMap<>();
    private final Map<String, Integer> terminalIds = new HashMap<>();
    private final List<long[]> terminalSets = new ArrayList<>();
    private final Map<String, Integer> classRules = new HashMap<>();
    private int symbolCount;

    private GrammarCompiler() {}

    static Grammar compile(List<Rule> rules, String gbnf) {
        return new GrammarCompiler().run(rules, gbnf);
    }

    private Grammar run(List<Rule> rules, String gbnf) {
        for (Rule r : rules) {
            Integer seen = ids.get(r.name());
            if (seen != null) {
                int[] first = origins.get(seen);
                throw new GrammarException("rule '" + r.name() + "' is defined twice (first at line " + first[0]
                        + ", column " + first[1] + ")", r.line(), r.column());
            }
            newRule(r.name(), r.line(), r.column());
        }
        Integer root = ids.get("root");
        if (root == null) {
            throw new GrammarException(rules.isEmpty() ? "the grammar is empty: it needs a rule 'root'"
                    : "the grammar has no rule 'root' (generation starts there)");
        }
        for (Rule r : rules) {
            int id = ids.get(r.name());
            bodies.set(id, lowerAlternatives(r.alternatives(), r.name(), origins.get(id)));
        }
        new GrammarChecks(names, bodies, origins, terminalSets).check(root);
        return flatten(root, gbnf);
    }

    private int newRule(String name, int line, int column) {
        int id = names.size();
        names.add(name);
        bodies.add(List.of());
        origins.add(new int[] {line, column});
        ids.put(name, id);
        return id;
    }

    private int helperRule(String base, int[] origin, List<int[]> body) {
        String name = base + "-" + names.size();
        int id = newRule(name, origin[0], origin[1]);
        bodies.set(id, body);
        return id;
    }

    private List<int[]> lowerAlternatives(List<List<Element>> alternatives, String rule, int[] origin) {
        List<int[]> out = new ArrayList<>();
        for (List<Element> sequence : alternatives) {
            out.add(lowerSequence(sequence, rule, origin));
        }
        return out;
    }

    private int[] lowerSequence(List<Element> sequence, String rule, int[] origin) {
        IntList out = new IntList();
        for (Element e : sequence) {
            lower(e, rule, origin, out);
        }
        symbolCount += out.size() + 1;
        if (symbolCount > MAX_SYMBOLS) {
            throw new GrammarException("the grammar is too large (over " + MAX_SYMBOLS + " symbols once repetitions "
                    + "are expanded)", origin[0], origin[1]);
        }
        return out.toArray();
    }

    private void lower(Element e, String rule, int[] origin, IntList out) {
        switch (e) {
            case Literal l -> {
                for (byte b : l.bytes()) {
                    out.add(terminal(new int[] {b & 0xFF, b & 0xFF}));
                }
            }
            case CharClass c -> out.add(characters(c.ranges(), c.negated(), rule, origin));
            case AnyChar a -> out.add(characters(new int[0], true, rule, origin));
            case RuleRef r -> {
                Integer id = ids.get(r.name());
                if (id == null) {
                    throw new GrammarException("undefined rule '" + r.name() + "'", r.line(), r.column());
                }
                out.add(id);
            }
            case Group g -> {
                if (g.alternatives().size() == 1) {
                    lower(g.alternatives().getFirst(), rule, origin, out);
                } else {
                    out.add(helperRule(rule, origin, lowerAlternatives(g.alternatives(), rule, origin)));
                }
            }
            case Repeat r -> repeat(r, rule, origin, out);
        }
    }

    private void lower(List<Element> sequence, String rule, int[] origin, IntList out) {
        for (Element e : sequence) {
            lower(e, rule, origin, out);
        }
    }

    /** x{min,max}: min copies of x, then x* or a chain of nested optionals (x (x (x)?)?)?. */
    private void repeat(Repeat r, String rule, int[] origin, IntList out) {
        int[] where = {r.line(), r.column()};
        IntList once = new IntList();
        lower(r.element(), rule, where, once);
        int[] x = once.toArray();
        if ((long) x.length * Math.max(r.min(), 1) > MAX_SYMBOLS) {
            throw new GrammarException("repetition is too large", r.line(), r.column());
        }
        if (x.length > 1 && (r.min() > 1 || r.max() != r.min())) {
            x = new int[] {helperRule(rule, where, List.of(x))}; // one symbol to repeat
        }
        for (int i = 0; i < r.min(); i++) {
            out.addAll(x);
        }
        if (r.max() == Repeat.UNBOUNDED) {
            int star = helperRule(rule, where, new ArrayList<>());
            bodies.set(star, List.of(concat(x, star), new int[0]));
            out.add(star);
        } else if (r.max() > r.min()) {
            int chain = helperRule(rule, where, List.of(x, new int[0]));
            for (int i = r.min() + 1; i < r.max(); i++) {
                chain = helperRule(rule, where, List.of(concat(x, chain), new int[0]));
            }
            out.add(chain);
        }
    }

    private static int[] concat(int[] a, int b) {
        int[] out = Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }

    /** A character class: one terminal when every character is one byte, else a rule of UTF-8 sequences. */
    private int characters(int[] ranges, boolean negated, String rule, int[] origin) {
        List<int[]> sequences = Utf8Sequences.of(ranges, negated);
        List<Integer> singleBytes = new ArrayList<>();
        List<int[]> alternatives = new ArrayList<>();
        for (int[] s : sequences) {
            if (s.length == 2) {
                singleBytes.add(s[0]);
                singleBytes.add(s[1]);
            } else {
                int[] alternative = new int[s.length / 2];
                for (int i = 0; i < alternative.length; i++) {
                    alternative[i] = terminal(new int[] {s[2 * i], s[2 * i + 1]});
                }
                alternatives.add(alternative);
            }
        }
        int single = terminal(singleBytes.stream().mapToInt(Integer::intValue).toArray());
        if (alternatives.isEmpty()) {
            return single;
        }
        if (!singleBytes.isEmpty()) {
            alternatives.addFirst(new int[] {single});
        }
        String key = (negated ? "^" : "") + Arrays.toString(ranges);
        Integer cached = classRules.get(key);
        if (cached == null) {
            cached = helperRule(rule + "-char", origin, alternatives);
            classRules.put(key, cached);
        }
        return cached;
    }

    /** The terminal symbol of the bytes in the inclusive ranges (interned). */
    private int terminal(int[] byteRanges) {
        long[] set = new long[4];
        for (int i = 0; i < byteRanges.length; i += 2) {
            for (int b = byteRanges[i]; b <= byteRanges[i + 1]; b++) {
                set[b >>> 6] |= 1L << b;
            }
        }
        String key = Arrays.toString(set);
        Integer t = terminalIds.get(key);
        if (t == null) {
            t = terminalSets.size();
            terminalSets.add(set);
            terminalIds.put(key, t);
        }
        return -t - 1;
    }

    private Grammar flatten(int root, String gbnf) {
        IntList symbols = new IntList();
        int[][] starts = new int[names.size()][];
        for (int r = 0; r < names.size(); r++) {
            List<int[]> body = bodies.get(r);
            starts[r] = new int[body.size()];
            for (int a = 0; a < body.size(); a++) {
                starts[r][a] = symbols.size();
                symbols.addAll(body.get(a));
                symbols.add(Grammar.END);
            }
        }
        long[] terminals = new long[4 * terminalSets.size()];
        for (int t = 0; t < terminalSets.size(); t++) {
            System.arraycopy(terminalSets.get(t), 0, terminals, 4 * t, 4);
        }
        return new Grammar(symbols.toArray(), starts, terminals, names.toArray(String[]::new), root, gbnf);
    }
}
