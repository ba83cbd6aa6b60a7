package dev.basalt.tokenizer.template;

import java.time.Clock;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Executes a parsed template once: one instance per rendering, holding the output and the render limits' counters. */
final class Interpreter {
    private enum Flow { NORMAL, BREAK, CONTINUE }

    private final String templateName;
    private final RenderLimits limits;
    private final Clock clock;
    private StringBuilder out = new StringBuilder();
    private long produced;
    private long iterations;
    private int callDepth;
    /** The statement being executed, where a failure outside any expression (a stack overflow) is reported. */
    private Token current;

    private Interpreter(String templateName, RenderLimits limits, Clock clock) {
        this.templateName = templateName;
        this.limits = limits;
        this.clock = clock;
    }

    static String render(List<Statement> body, String templateName, Map<String, Object> context, RenderLimits limits,
            Clock clock) {
        Interpreter interpreter = new Interpreter(templateName, limits, clock);
        Scope root = new Scope(interpreter.globals());
        context.forEach(root::set);
        try {
            interpreter.execute(body, root);
        } catch (StackOverflowError e) {
            Token at = interpreter.current;
            throw new TemplateException(TemplateException.Kind.LIMIT, templateName, at == null ? 1 : at.line(),
                    at == null ? 1 : at.column(), "template recursion too deep for the thread's stack");
        }
        return interpreter.out.toString();
    }

    /** The functions Hugging Face's environment provides, and Jinja2's {@code range}, {@code namespace}, {@code dict}. */
    private Scope globals() {
        Scope g = new Scope(null);
        g.set("range", (TemplateFunction) this::range);
        g.set("namespace", (TemplateFunction) (args, kw) -> {
            Namespace ns = new Namespace();
            for (Object a : args) {
                if (!(a instanceof Map<?, ?> m)) {
                    throw RenderError.type("namespace() takes mappings and keyword arguments, not " + Values.typeName(a));
                }
                m.forEach((k, v) -> ns.attributes.put(Values.str(k), v));
            }
            ns.attributes.putAll(kw);
            return ns;
        });
        g.set("dict", (TemplateFunction) (args, kw) -> {
            Map<Object, Object> d = new LinkedHashMap<>();
            for (Object a : args) {
                if (a instanceof Map<?, ?> m) {
                    d.putAll(m);
                } else {
                    throw RenderError.type("dict() takes a mapping and keyword arguments, not " + Values.typeName(a));
                }
            }
            d.putAll(kw);
            return d;
        });
        g.set("raise_exception", (TemplateFunction) (args, kw) -> {
            throw new RenderError(TemplateException.Kind.RAISED, args.isEmpty() ? "" : Values.str(args.getFirst()));
        });
        g.set("strftime_now", (TemplateFunction) (args, kw) -> Strftime.format(LocalDateTime.now(clock),
                new CallArguments("strftime_now", args, kw).string(0, "format", CallArguments.REQUIRED)));
        return g;
    }

    private Object range(List<Object> args, Map<String, Object> kw) {
        CallArguments a = new CallArguments("range", args, kw);
        if (args.isEmpty()) {
            throw RenderError.type("range expected at least 1 argument, got 0");
        }
        long start = args.size() >= 2 ? a.integer(0, "start", 0) : 0;
        long stop = args.size() >= 2 ? a.integer(1, "stop", 0) : a.integer(0, "stop", 0);
        long step = a.integer(2, "step", 1);
        if (step == 0) {
            throw RenderError.type("range() arg 3 must not be zero");
        }
        long count = step > 0 ? Math.max(0, Math.ceilDiv(stop - start, step)) : Math.max(0, Math.ceilDiv(start - stop, -step));
        if (count > limits.maxIterations()) {
            throw new RenderError(TemplateException.Kind.LIMIT, "range of " + count + " items exceeds the limit of "
                    + limits.maxIterations() + " iterations");
        }
        List<Object> items = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            items.add(start + i * step);
        }
        return items;
    }

    // ---- statements ----

    private Flow execute(List<Statement> body, Scope scope) {
        for (Statement s : body) {
            Flow flow = execute(s, scope);
            if (flow != Flow.NORMAL) {
                return flow;
            }
        }
        return Flow.NORMAL;
    }

    private Flow execute(Statement statement, Scope scope) {
        current = statement.at();
        try {
            switch (statement) {
                case Statement.Text t -> write(t.text());
                case Statement.Print p -> write(Values.str(evalKeepingMarkup(p.value(), scope)));
                case Statement.If s -> {
                    for (int i = 0; i < s.conditions().size(); i++) {
                        if (Values.truthy(eval(s.conditions().get(i), scope))) {
                            return execute(s.bodies().get(i), scope);
                        }
                    }
                    return execute(s.otherwise(), scope);
                }
                case Statement.For f -> {
                    return loop(f, eval(f.iterable(), scope), scope, 0);
                }
                case Statement.Set s -> {
                    Object value = evalKeepingMarkup(s.value(), scope);
                    if (s.target() instanceof Expression.Attribute a) {
                        Object ns = eval(a.object(), scope);
                        if (!(ns instanceof Namespace namespace)) {
                            throw RenderError.type("cannot assign attribute on non-namespace object");
                        }
                        namespace.attributes.put(a.name(), value);
                    } else {
                        assign(s.target(), value, scope);
                    }
                }
                case Statement.SetBlock s -> assign(s.target(), applyFilters(s.filters(), capture(() -> execute(s.body(), scope)), scope), scope);
                case Statement.Macro m -> scope.set(m.name(), new Macro(m.name(), m.parameters(), m.defaults(), m.body(), scope, this));
                case Statement.CallBlock c -> {
                    Macro caller = new Macro("caller", c.parameters(), c.defaults(), c.body(), scope, this);
                    Object callee = eval(c.call().callee(), scope);
                    List<Object> args = new ArrayList<>();
                    Map<String, Object> kw = new LinkedHashMap<>();
                    evalArguments(c.call().arguments(), scope, args, kw);
                    kw.put("caller", caller);
                    write(Values.str(invoke(callee, args, kw)));
                }
                case Statement.FilterBlock f -> write(Values.str(applyFilters(f.filters(), capture(() -> execute(f.body(), scope)), scope)));
                case Statement.With w -> {
                    Scope inner = new Scope(scope);
                    for (int i = 0; i < w.targets().size(); i++) {
                        assign(w.targets().get(i), eval(w.values().get(i), scope), inner);
                    }
                    return execute(w.body(), inner);
                }
                case Statement.Break b -> {
                    return Flow.BREAK;
                }
                case Statement.Continue c -> {
                    return Flow.CONTINUE;
                }
            }
        } catch (RenderError e) {
            throw located(e, statement.at());
        }
        return Flow.NORMAL;
    }

    private Flow loop(Statement.For f, Object iterable, Scope scope, int depth0) {
        List<Object> items;
        try {
            items = Values.iterate(iterable);
        } catch (RenderError e) {
            throw located(e, f.iterable().at());
        }
        Scope loopScope = new Scope(scope);
        if (f.filter() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                tick();
                assign(f.target(), item, loopScope);
                if (Values.truthy(eval(f.filter(), loopScope))) {
                    kept.add(item);
                }
            }
            items = kept;
        }
        if (items.isEmpty()) {
            return execute(f.otherwise(), loopScope);
        }
        TemplateFunction recurse = !f.recursive() ? null : (args, kw) -> {
            enterCall();
            try {
                Object children = args.isEmpty() ? Undefined.withHint("loop() needs an iterable") : args.getFirst();
                return capture(() -> loop(f, children, scope, depth0 + 1));
            } finally {
                callDepth--;
            }
        };
        LoopState state = new LoopState(items, depth0, recurse);
        for (int i = 0; i < items.size(); i++) {
            tick();
            state.index0 = i;
            assign(f.target(), items.get(i), loopScope);
            loopScope.set("loop", state);
            if (execute(f.body(), loopScope) == Flow.BREAK) {
                break;
            }
        }
        return Flow.NORMAL;
    }

    private void assign(Expression target, Object value, Scope scope) {
        if (target instanceof Expression.Name n) {
            scope.set(n.name(), value);
            return;
        }
        List<Expression> names = ((Expression.TupleLiteral) target).items();
        List<Object> values = Values.iterate(value);
        if (values.size() < names.size()) {
            throw RenderError.type("not enough values to unpack (expected " + names.size() + ", got " + values.size() + ")");
        }
        if (values.size() > names.size()) {
            throw RenderError.type("too many values to unpack (expected " + names.size() + ")");
        }
        for (int i = 0; i < names.size(); i++) {
            assign(names.get(i), values.get(i), scope);
        }
    }

    /** What {@code run} writes, as a string instead of output (macro bodies, set and filter blocks, loop()). */
    private String capture(Runnable run) {
        StringBuilder saved = out;
        out = new StringBuilder();
        try {
            run.run();
            return out.toString();
        } finally {
            out = saved;
        }
    }

    private Object applyFilters(List<Expression.Filter> filters, Object value, Scope scope) {
        Object v = value;
        for (Expression.Filter f : filters) {
            v = filter(f, v, scope);
        }
        return v;
    }

    Object callMacro(Macro macro, List<Object> positional, Map<String, Object> keywords) {
        tick();
        enterCall();
        try {
            Scope scope = new Scope(macro.closure());
            Map<String, Object> extraKeywords = new LinkedHashMap<>(keywords);
            List<String> params = macro.parameters();
            for (int i = 0; i < params.size(); i++) {
                String p = params.get(i);
                Object value;
                if (i < positional.size()) {
                    value = positional.get(i);
                } else if (extraKeywords.containsKey(p)) {
                    value = extraKeywords.remove(p);
                } else if (macro.defaults().get(i) != null) {
                    value = eval(macro.defaults().get(i), scope);
                } else {
                    value = Undefined.withHint("parameter '" + p + "' was not provided");
                }
                scope.set(p, value);
            }
            Object caller = extraKeywords.remove("caller");
            if (caller != null) {
                scope.set("caller", caller);
            }
            scope.set("varargs", positional.size() > params.size()
                    ? PyTuple.of(positional.subList(params.size(), positional.size())) : new PyTuple());
            scope.set("kwargs", extraKeywords);
            return capture(() -> execute(macro.body(), scope));
        } finally {
            callDepth--;
        }
    }

    private void enterCall() {
        if (++callDepth > limits.maxCallDepth()) {
            throw new RenderError(TemplateException.Kind.LIMIT, "macro calls nested deeper than " + limits.maxCallDepth());
        }
    }

    private void tick() {
        if (++iterations > limits.maxIterations()) {
            throw new RenderError(TemplateException.Kind.LIMIT, "more than " + limits.maxIterations()
                    + " loop iterations and macro calls");
        }
    }

    private void write(String s) {
        produced += s.length();
        if (produced > limits.maxOutputChars()) {
            throw new RenderError(TemplateException.Kind.LIMIT, "output exceeds " + limits.maxOutputChars() + " characters");
        }
        out.append(s);
    }

    // ---- expressions ----

    /** The value of {@code e}, markup used as plain text. */
    private Object eval(Expression e, Scope scope) {
        Object v = evalKeepingMarkup(e, scope);
        return v instanceof Markup m ? m.text() : v;
    }

    /** The value of {@code e}, a {@link Markup} kept as such (operands of {@code +}, printed and assigned values). */
    private Object evalKeepingMarkup(Expression e, Scope scope) {
        try {
            return evaluate(e, scope);
        } catch (RenderError err) {
            throw located(err, e.at());
        }
    }

    private Object evaluate(Expression e, Scope scope) {
        return switch (e) {
            case Expression.Literal l -> l.value();
            case Expression.Name n -> {
                Object v = scope.lookup(n.name());
                yield v == Scope.MISSING ? Undefined.variable(n.name()) : v;
            }
            case Expression.ListLiteral l -> {
                List<Object> items = new ArrayList<>();
                l.items().forEach(x -> items.add(eval(x, scope)));
                yield items;
            }
            case Expression.TupleLiteral t -> {
                List<Object> items = new ArrayList<>();
                t.items().forEach(x -> items.add(eval(x, scope)));
                yield PyTuple.of(items);
            }
            case Expression.DictLiteral d -> {
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < d.keys().size(); i++) {
                    Object key = eval(d.keys().get(i), scope);
                    if (key instanceof List || key instanceof Map || key instanceof Undefined) {
                        throw RenderError.type("unhashable type: '" + Values.typeName(key) + "'");
                    }
                    map.put(key, eval(d.values().get(i), scope));
                }
                yield map;
            }
            case Expression.Attribute a -> Members.attribute(eval(a.object(), scope), a.name());
            case Expression.Item i -> {
                Object obj = eval(i.object(), scope);
                if (i.key() instanceof Expression.Slice s) {
                    yield Members.slice(obj, optional(s.start(), scope), optional(s.stop(), scope), optional(s.step(), scope));
                }
                yield Members.item(obj, eval(i.key(), scope));
            }
            case Expression.Slice s -> throw RenderError.type("a slice is only allowed inside []");
            case Expression.Call c -> {
                Object callee = eval(c.callee(), scope);
                List<Object> args = new ArrayList<>();
                Map<String, Object> kw = new LinkedHashMap<>();
                evalArguments(c.arguments(), scope, args, kw);
                yield bounded(invoke(callee, args, kw));
            }
            case Expression.Filter f -> filter(f, eval(f.value(), scope), scope);
            case Expression.Test t -> {
                Object value = eval(t.value(), scope);
                List<Object> args = new ArrayList<>();
                Map<String, Object> kw = new LinkedHashMap<>();
                evalArguments(t.arguments(), scope, args, kw);
                if (!Tests.exists(t.name())) {
                    throw new RenderError(TemplateException.Kind.SYNTAX, "No test named '" + t.name() + "'.");
                }
                yield Tests.apply(t.name(), value, new CallArguments(t.name(), args, kw)) != t.negated();
            }
            case Expression.Unary u -> unary(u.operator(), eval(u.operand(), scope));
            case Expression.Binary b -> switch (b.operator()) {
                case "and" -> {
                    Object left = eval(b.left(), scope);
                    yield Values.truthy(left) ? eval(b.right(), scope) : left;
                }
                case "or" -> {
                    Object left = eval(b.left(), scope);
                    yield Values.truthy(left) ? left : eval(b.right(), scope);
                }
                case "~" -> {
                    String left = Values.str(eval(b.left(), scope));
                    String right = Values.str(eval(b.right(), scope));
                    Values.checkSize((long) left.length() + right.length(), limits.maxOutputChars());
                    yield left + right;
                }
                case "+" -> {
                    Object left = evalKeepingMarkup(b.left(), scope);
                    Object right = evalKeepingMarkup(b.right(), scope);
                    yield left instanceof Markup || right instanceof Markup ? Markup.concat(left, right)
                            : Values.arithmetic("+", left, right, limits.maxOutputChars());
                }
                default -> Values.arithmetic(b.operator(), eval(b.left(), scope), eval(b.right(), scope), limits.maxOutputChars());
            };
            case Expression.Compare c -> {
                Object left = eval(c.first(), scope);
                for (int i = 0; i < c.operators().size(); i++) {
                    Object right = eval(c.rest().get(i), scope);
                    if (!compare(c.operators().get(i), left, right)) {
                        yield false;
                    }
                    left = right;
                }
                yield true;
            }
            case Expression.Conditional c -> {
                if (Values.truthy(eval(c.condition(), scope))) {
                    yield evalKeepingMarkup(c.then(), scope);
                }
                yield c.otherwise() != null ? evalKeepingMarkup(c.otherwise(), scope) : Undefined.withHint("the inline if-expression on line "
                        + c.at().line() + " evaluated to false and no else section was defined.");
            }
        };
    }

    private Object optional(Expression e, Scope scope) {
        return e == null ? null : eval(e, scope);
    }

    private void evalArguments(Expression.Arguments a, Scope scope, List<Object> args, Map<String, Object> kw) {
        a.positional().forEach(x -> args.add(eval(x, scope)));
        for (int i = 0; i < a.keywordNames().size(); i++) {
            kw.put(a.keywordNames().get(i), eval(a.keywordValues().get(i), scope));
        }
    }

    private Object filter(Expression.Filter f, Object value, Scope scope) {
        List<Object> args = new ArrayList<>();
        Map<String, Object> kw = new LinkedHashMap<>();
        evalArguments(f.arguments(), scope, args, kw);
        try {
            if (!Filters.exists(f.name())) {
                throw new RenderError(TemplateException.Kind.SYNTAX, "No filter named '" + f.name() + "'.");
            }
            return bounded(Filters.apply(f.name(), value, new CallArguments(f.name(), args, kw)));
        } catch (RenderError e) {
            throw located(e, f.at());
        }
    }

    private static Object invoke(Object callee, List<Object> args, Map<String, Object> kw) {
        if (callee instanceof Undefined u) {
            throw u.error();
        }
        if (callee instanceof TemplateFunction fn) {
            return fn.call(args, kw);
        }
        throw RenderError.type("'" + Values.typeName(callee) + "' object is not callable");
    }

    /** Strings made by filters and methods count against the output limit, so no value can grow unbounded. */
    private Object bounded(Object v) {
        if (v instanceof String s) {
            Values.checkSize(s.length(), limits.maxOutputChars());
        }
        return v;
    }

    private static Object unary(String op, Object v) {
        if (op.equals("not")) {
            return !Values.truthy(v);
        }
        if (v instanceof Undefined u) {
            throw u.error();
        }
        return switch (v) {
            case null -> throw RenderError.type("bad operand type for unary " + op + ": 'NoneType'");
            case Long l when op.equals("-") -> -l;
            case Double d when op.equals("-") -> -d;
            case Boolean b when op.equals("-") -> b ? -1L : 0L;
            case Boolean b -> b ? 1L : 0L;
            case Long l -> l;
            case Double d -> d;
            default -> throw RenderError.type("bad operand type for unary " + op + ": '" + Values.typeName(v) + "'");
        };
    }

    private static boolean compare(String op, Object left, Object right) {
        return switch (op) {
            case "==" -> Values.equal(left, right);
            case "!=" -> !Values.equal(left, right);
            case "<" -> Values.compare(left, right, op) < 0;
            case "<=" -> Values.compare(left, right, op) <= 0;
            case ">" -> Values.compare(left, right, op) > 0;
            case ">=" -> Values.compare(left, right, op) >= 0;
            case "in" -> Values.contains(right, left);
            case "not in" -> !Values.contains(right, left);
            default -> throw new IllegalStateException(op);
        };
    }

    private TemplateException located(RenderError e, Token at) {
        return new TemplateException(e.kind, templateName, at.line(), at.column(), e.getMessage());
    }
}
