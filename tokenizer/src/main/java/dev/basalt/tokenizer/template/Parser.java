package dev.basalt.tokenizer.template;

import dev.basalt.tokenizer.template.Expression.Arguments;
import dev.basalt.tokenizer.template.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser for the Jinja2 statement and expression grammar, with Jinja2's operator precedence
 * ({@code or < and < not < comparisons < + - < ~ < * / // % < ** < unary}, filters and tests binding to the
 * operand before them). Unknown filters and tests are rejected here, as Jinja2 does when it compiles.
 */
final class Parser {
    /** Deeper nesting than this is refused, so a hostile template cannot overflow the parser's or evaluator's stack. */
    static final int MAX_NESTING = 100;
    private static final Set<String> COMPARISONS = Set.of("==", "!=", "<", "<=", ">", ">=");

    private final List<Token> tokens;
    private final String name;
    private int pos;
    private int nesting;
    private int loops;
    /**
     * Inside an if statement or an inline if, an unknown filter or test fails only when evaluated (Jinja2's "soft"
     * frames); elsewhere it fails at compile time. Unknown names met outside such a frame wait here.
     */
    private int softDepth;
    private final List<Token> unknownNames = new ArrayList<>();
    /** Names of the blocks being parsed, innermost last, for "unexpected end" messages. */
    private final List<String> openBlocks = new ArrayList<>();

    private Parser(List<Token> tokens, String name) {
        this.tokens = tokens;
        this.name = name;
    }

    static List<Statement> parse(String source, String name) {
        Parser p = new Parser(Lexer.tokenize(source, name), name);
        List<Statement> body = p.body(Set.of());
        p.expect(Kind.END);
        return body;
    }

    // ---- statements ----

    /** Statements up to the end of the template or a block tag whose name is in {@code endTags} (left unread). */
    private List<Statement> body(Set<String> endTags) {
        List<Statement> out = new ArrayList<>();
        while (true) {
            Token t = peek();
            switch (t.kind()) {
                case DATA -> {
                    pos++;
                    out.add(new Statement.Text(t, t.text()));
                }
                case VARIABLE_BEGIN -> {
                    pos++;
                    Expression e = tuple(true, Set.of(), false);
                    expect(Kind.VARIABLE_END);
                    out.add(new Statement.Print(t, e));
                    failOnUnknownNames();
                }
                case BLOCK_BEGIN -> {
                    Token tag = tokens.get(pos + 1);
                    if (tag.kind() == Kind.NAME && endTags.contains(tag.text())) {
                        pos++;
                        return out;
                    }
                    pos++;
                    out.add(statement(endTags));
                    failOnUnknownNames();
                }
                case END -> {
                    if (!endTags.isEmpty()) {
                        throw error(t, "Unexpected end of template. " + lookingFor(endTags, 1));
                    }
                    return out;
                }
                default -> throw error(t, "unexpected " + t.describe());
            }
        }
    }

    private Statement statement(Set<String> endTags) {
        Token tag = peek();
        if (tag.kind() != Kind.NAME) {
            throw error(tag, "tag name expected");
        }
        enter(tag);
        openBlocks.add(tag.text());
        try {
            pos++;
            return switch (tag.text()) {
                case "if" -> ifStatement(tag);
                case "for" -> forStatement(tag);
                case "set" -> setStatement(tag);
                case "macro" -> macroStatement(tag);
                case "call" -> callBlock(tag);
                case "filter" -> filterBlock(tag);
                case "with" -> withStatement(tag);
                case "generation" -> {
                    // Hugging Face's assistant-mask extension: the body renders unchanged.
                    blockEnd();
                    List<Statement> body = closedBody("endgeneration");
                    yield new Statement.With(tag, List.of(), List.of(), body);
                }
                case "break", "continue" -> {
                    if (loops == 0) {
                        throw error(tag, "'" + tag.text() + "' outside of a loop");
                    }
                    blockEnd();
                    yield tag.text().equals("break") ? new Statement.Break(tag) : new Statement.Continue(tag);
                }
                default -> throw error(tag, "Encountered unknown tag '" + tag.text() + "'."
                        + (endTags.isEmpty() || openBlocks.size() < 2 ? "" : " " + lookingFor(endTags, 2)));
            };
        } finally {
            openBlocks.removeLast();
            leave();
        }
    }

    /** Jinja2's hint naming the awaited end tags and the block {@code fromEnd} levels up the open-block stack. */
    private void failOnUnknownNames() {
        if (!unknownNames.isEmpty()) {
            Token t = unknownNames.getFirst();
            throw error(t, t.text());
        }
    }

    private String lookingFor(Set<String> endTags, int fromEnd) {
        String innermost = openBlocks.get(openBlocks.size() - fromEnd);
        List<String> sorted = endTags.stream().sorted().map(s -> "'" + s + "'").toList();
        return "Jinja was looking for the following tags: " + String.join(" or ", sorted)
                + ". The innermost block that needs to be closed is '" + innermost + "'.";
    }

    /** A body ended by {@code {% end %}}, which is consumed. */
    private List<Statement> closedBody(String end) {
        List<Statement> body = body(Set.of(end));
        pos++; // the end tag's name
        blockEnd();
        return body;
    }

    private Statement ifStatement(Token tag) {
        softDepth++;
        try {
            return ifBranches(tag);
        } finally {
            softDepth--;
        }
    }

    private Statement ifBranches(Token tag) {
        List<Expression> conditions = new ArrayList<>();
        List<List<Statement>> bodies = new ArrayList<>();
        conditions.add(tuple(false, Set.of(), false));
        blockEnd();
        while (true) {
            bodies.add(body(Set.of("elif", "else", "endif")));
            Token t = next();
            switch (t.text()) {
                case "elif" -> {
                    conditions.add(tuple(false, Set.of(), false));
                    blockEnd();
                }
                case "else" -> {
                    blockEnd();
                    return new Statement.If(tag, conditions, bodies, closedBody("endif"));
                }
                default -> {
                    blockEnd();
                    return new Statement.If(tag, conditions, bodies, List.of());
                }
            }
        }
    }

    private Statement forStatement(Token tag) {
        Expression target = assignTarget(Set.of("in"), false);
        expectName("in");
        Expression iterable = tuple(false, Set.of("recursive"), false);
        Expression filter = null;
        if (peek().isName("if")) {
            pos++;
            filter = expression(true);
        }
        boolean recursive = false;
        if (peek().isName("recursive")) {
            pos++;
            recursive = true;
        }
        blockEnd();
        loops++;
        List<Statement> body;
        try {
            body = body(Set.of("endfor", "else"));
        } finally {
            loops--;
        }
        List<Statement> otherwise = List.of();
        if (next().text().equals("else")) {
            blockEnd();
            otherwise = closedBody("endfor");
        } else {
            blockEnd();
        }
        return new Statement.For(tag, target, iterable, filter, recursive, body, otherwise);
    }

    private Statement setStatement(Token tag) {
        Expression target = assignTarget(Set.of(), true);
        if (peek().isOperator("=")) {
            pos++;
            Expression value = tuple(true, Set.of(), false);
            blockEnd();
            return new Statement.Set(tag, target, value);
        }
        List<Expression.Filter> filters = filterChain();
        blockEnd();
        return new Statement.SetBlock(tag, target, filters, closedBody("endset"));
    }

    private Statement macroStatement(Token tag) {
        Token nameToken = expect(Kind.NAME);
        List<String> params = new ArrayList<>();
        List<Expression> defaults = new ArrayList<>();
        signature(params, defaults);
        blockEnd();
        int outerLoops = loops;
        loops = 0;
        try {
            return new Statement.Macro(tag, nameToken.text(), params, defaults, closedBody("endmacro"));
        } finally {
            loops = outerLoops;
        }
    }

    private void signature(List<String> params, List<Expression> defaults) {
        expectOperator("(");
        while (!peek().isOperator(")")) {
            if (!params.isEmpty()) {
                expectOperator(",");
                if (peek().isOperator(")")) {
                    break;
                }
            }
            params.add(expect(Kind.NAME).text());
            if (peek().isOperator("=")) {
                pos++;
                defaults.add(expression(true));
            } else {
                defaults.add(null);
            }
        }
        pos++;
    }

    private Statement callBlock(Token tag) {
        List<String> params = new ArrayList<>();
        List<Expression> defaults = new ArrayList<>();
        if (peek().isOperator("(")) {
            signature(params, defaults);
        }
        Expression call = expression(true);
        if (!(call instanceof Expression.Call c)) {
            throw error(tag, "expected call");
        }
        blockEnd();
        return new Statement.CallBlock(tag, c, params, defaults, closedBody("endcall"));
    }

    private Statement filterBlock(Token tag) {
        List<Expression.Filter> filters = new ArrayList<>();
        filters.add(filter(null));
        filters.addAll(filterChain());
        blockEnd();
        return new Statement.FilterBlock(tag, filters, closedBody("endfilter"));
    }

    /** {@code | name(args) | name ...} applied to a value supplied later (block filters). */
    private List<Expression.Filter> filterChain() {
        List<Expression.Filter> filters = new ArrayList<>();
        while (peek().isOperator("|")) {
            pos++;
            filters.add(filter(null));
        }
        return filters;
    }

    private Statement withStatement(Token tag) {
        List<Expression> targets = new ArrayList<>();
        List<Expression> values = new ArrayList<>();
        while (peek().kind() != Kind.BLOCK_END) {
            if (!targets.isEmpty()) {
                expectOperator(",");
            }
            targets.add(assignTarget(Set.of(), false));
            expectOperator("=");
            values.add(expression(true));
        }
        blockEnd();
        return new Statement.With(tag, targets, values, closedBody("endwith"));
    }

    /** A name, {@code namespace.attribute} (only for set), or a tuple of names. */
    private Expression assignTarget(Set<String> endNames, boolean namespaceAllowed) {
        Token t = peek();
        if (namespaceAllowed && t.kind() == Kind.NAME && tokens.get(pos + 1).isOperator(".")) {
            pos += 2;
            Token attr = expect(Kind.NAME);
            return new Expression.Attribute(t, new Expression.Name(t, t.text()), attr.text());
        }
        Expression target = tuple(false, endNames, true);
        checkAssignable(target);
        return target;
    }

    private void checkAssignable(Expression target) {
        if (target instanceof Expression.TupleLiteral tuple) {
            tuple.items().forEach(this::checkAssignable);
        } else if (!(target instanceof Expression.Name n) || Set.of("true", "false", "none", "True", "False", "None").contains(n.name())) {
            throw error(target.at(), "can't assign to " + target.at().describe());
        }
    }

    // ---- expressions ----

    /**
     * Comma-separated expressions: one expression alone, or a tuple. {@code simplified} allows only names and
     * literals (assignment targets).
     */
    private Expression tuple(boolean withConditional, Set<String> endNames, boolean simplified) {
        Token at = peek();
        List<Expression> items = new ArrayList<>();
        boolean isTuple = false;
        while (true) {
            if (!items.isEmpty()) {
                expectOperator(",");
            }
            if (tupleEnd(endNames)) {
                break;
            }
            items.add(simplified ? primary() : expression(withConditional));
            if (peek().isOperator(",")) {
                isTuple = true;
            } else {
                break;
            }
        }
        if (!isTuple) {
            if (items.isEmpty()) {
                throw error(at, "Expected an expression, got " + at.describe());
            }
            return items.getFirst();
        }
        return new Expression.TupleLiteral(at, items);
    }

    private boolean tupleEnd(Set<String> endNames) {
        Token t = peek();
        return t.kind() == Kind.VARIABLE_END || t.kind() == Kind.BLOCK_END || t.isOperator(")")
                || (t.kind() == Kind.NAME && endNames.contains(t.text()));
    }

    private Expression expression(boolean withConditional) {
        enter(peek());
        try {
            return withConditional ? conditional() : or();
        } finally {
            leave();
        }
    }

    private Expression conditional() {
        int unknownBefore = unknownNames.size();
        Expression e = or();
        while (peek().isName("if")) {
            unknownNames.subList(unknownBefore, unknownNames.size()).clear(); // the value part is soft too
            Token at = next();
            softDepth++;
            try {
                Expression condition = or();
                Expression otherwise = null;
                if (peek().isName("else")) {
                    pos++;
                    otherwise = conditional();
                }
                e = new Expression.Conditional(at, condition, e, otherwise);
            } finally {
                softDepth--;
            }
        }
        return e;
    }

    private Expression or() {
        Expression left = and();
        while (peek().isName("or")) {
            Token at = next();
            left = new Expression.Binary(at, "or", left, and());
        }
        return left;
    }

    private Expression and() {
        Expression left = not();
        while (peek().isName("and")) {
            Token at = next();
            left = new Expression.Binary(at, "and", left, not());
        }
        return left;
    }

    private Expression not() {
        if (peek().isName("not")) {
            Token at = next();
            enter(at);
            try {
                return new Expression.Unary(at, "not", not());
            } finally {
                leave();
            }
        }
        return compare();
    }

    private Expression compare() {
        Token at = peek();
        Expression first = math1();
        List<String> ops = new ArrayList<>();
        List<Expression> rest = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.kind() == Kind.OPERATOR && COMPARISONS.contains(t.text())) {
                pos++;
                ops.add(t.text());
            } else if (t.isName("in")) {
                pos++;
                ops.add("in");
            } else if (t.isName("not") && tokens.get(pos + 1).isName("in")) {
                pos += 2;
                ops.add("not in");
            } else {
                break;
            }
            rest.add(math1());
        }
        return ops.isEmpty() ? first : new Expression.Compare(at, first, ops, rest);
    }

    private Expression math1() {
        Expression left = concat();
        while (peek().isOperator("+") || peek().isOperator("-")) {
            Token at = next();
            left = new Expression.Binary(at, at.text(), left, concat());
        }
        return left;
    }

    private Expression concat() {
        Expression left = math2();
        while (peek().isOperator("~")) {
            Token at = next();
            left = new Expression.Binary(at, "~", left, math2());
        }
        return left;
    }

    private Expression math2() {
        Expression left = pow();
        while (peek().isOperator("*") || peek().isOperator("/") || peek().isOperator("//") || peek().isOperator("%")) {
            Token at = next();
            left = new Expression.Binary(at, at.text(), left, pow());
        }
        return left;
    }

    private Expression pow() {
        Expression left = unary(true);
        while (peek().isOperator("**")) {
            Token at = next();
            left = new Expression.Binary(at, "**", left, unary(true));
        }
        return left;
    }

    private Expression unary(boolean withFilters) {
        Token t = peek();
        enter(t);
        try {
            Expression e;
            if (t.isOperator("-") || t.isOperator("+")) {
                pos++;
                e = new Expression.Unary(t, t.text(), unary(false));
            } else {
                e = primary();
            }
            e = postfix(e);
            return withFilters ? filtersAndTests(e) : e;
        } finally {
            leave();
        }
    }

    private Expression primary() {
        Token t = next();
        switch (t.kind()) {
            case NAME -> {
                return switch (t.text()) {
                    case "true", "True" -> new Expression.Literal(t, Boolean.TRUE);
                    case "false", "False" -> new Expression.Literal(t, Boolean.FALSE);
                    case "none", "None" -> new Expression.Literal(t, null);
                    default -> new Expression.Name(t, t.text());
                };
            }
            case STRING -> {
                StringBuilder sb = new StringBuilder(t.text());
                while (peek().kind() == Kind.STRING) {
                    sb.append(next().text());
                }
                return new Expression.Literal(t, sb.toString());
            }
            case INTEGER -> {
                try {
                    return new Expression.Literal(t, Long.parseLong(t.text()));
                } catch (NumberFormatException e) {
                    throw error(t, "integer literal " + t.text() + " is out of range");
                }
            }
            case FLOAT -> {
                return new Expression.Literal(t, Double.parseDouble(t.text()));
            }
            case OPERATOR -> {
                switch (t.text()) {
                    case "(" -> {
                        if (peek().isOperator(")")) {
                            pos++;
                            return new Expression.TupleLiteral(t, List.of());
                        }
                        Expression e = tuple(true, Set.of(), false);
                        expectOperator(")");
                        return e;
                    }
                    case "[" -> {
                        List<Expression> items = new ArrayList<>();
                        while (!peek().isOperator("]")) {
                            if (!items.isEmpty()) {
                                expectOperator(",");
                                if (peek().isOperator("]")) {
                                    break;
                                }
                            }
                            items.add(expression(true));
                        }
                        pos++;
                        return new Expression.ListLiteral(t, items);
                    }
                    case "{" -> {
                        List<Expression> keys = new ArrayList<>();
                        List<Expression> values = new ArrayList<>();
                        while (!peek().isOperator("}")) {
                            if (!keys.isEmpty()) {
                                expectOperator(",");
                                if (peek().isOperator("}")) {
                                    break;
                                }
                            }
                            keys.add(expression(true));
                            expectOperator(":");
                            values.add(expression(true));
                        }
                        pos++;
                        return new Expression.DictLiteral(t, keys, values);
                    }
                    default -> {
                    }
                }
            }
            default -> {
            }
        }
        throw error(t, "unexpected " + t.describe());
    }

    private Expression postfix(Expression e) {
        while (true) {
            Token t = peek();
            if (t.isOperator(".")) {
                pos++;
                Token attr = next();
                if (attr.kind() == Kind.NAME) {
                    e = new Expression.Attribute(attr, e, attr.text());
                } else if (attr.kind() == Kind.INTEGER) {
                    e = new Expression.Item(attr, e, new Expression.Literal(attr, Long.parseLong(attr.text())));
                } else {
                    throw error(attr, "expected name or number after '.'");
                }
            } else if (t.isOperator("[")) {
                pos++;
                e = new Expression.Item(t, e, subscript());
            } else if (t.isOperator("(")) {
                e = new Expression.Call(e.at(), e, arguments());
            } else {
                return e;
            }
        }
    }

    private Expression subscript() {
        List<Expression> parts = new ArrayList<>();
        Token at = peek();
        while (!peek().isOperator("]")) {
            if (!parts.isEmpty()) {
                expectOperator(",");
            }
            parts.add(subscribed());
        }
        pos++;
        if (parts.isEmpty()) {
            throw error(at, "expected a subscript");
        }
        return parts.size() == 1 ? parts.getFirst() : new Expression.TupleLiteral(at, parts);
    }

    private Expression subscribed() {
        Token at = peek();
        Expression start = null;
        if (!at.isOperator(":")) {
            start = expression(true);
            if (!peek().isOperator(":")) {
                return start;
            }
        }
        pos++; // ':'
        Expression stop = sliceEnd() ? null : expression(true);
        Expression step = null;
        if (peek().isOperator(":")) {
            pos++;
            step = sliceEnd() ? null : expression(true);
        }
        return new Expression.Slice(at, start, stop, step);
    }

    private boolean sliceEnd() {
        Token t = peek();
        return t.isOperator("]") || t.isOperator(",") || t.isOperator(":");
    }

    private Arguments arguments() {
        expectOperator("(");
        List<Expression> positional = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Expression> values = new ArrayList<>();
        boolean first = true;
        while (!peek().isOperator(")")) {
            if (!first) {
                expectOperator(",");
                if (peek().isOperator(")")) {
                    break;
                }
            }
            first = false;
            Token t = peek();
            if (t.kind() == Kind.NAME && tokens.get(pos + 1).isOperator("=")) {
                pos += 2;
                names.add(t.text());
                values.add(expression(true));
            } else {
                if (!names.isEmpty()) {
                    throw error(t, "positional argument follows keyword argument");
                }
                positional.add(expression(true));
            }
        }
        pos++;
        return new Arguments(positional, names, values);
    }

    private Expression filtersAndTests(Expression e) {
        while (true) {
            Token t = peek();
            if (t.isOperator("|")) {
                pos++;
                e = filter(e);
            } else if (t.isName("is")) {
                pos++;
                e = test(e);
            } else if (t.isOperator("(")) {
                e = new Expression.Call(e.at(), e, arguments());
            } else {
                return e;
            }
        }
    }

    private Expression.Filter filter(Expression value) {
        Token nameToken = expect(Kind.NAME);
        if (!Filters.exists(nameToken.text()) && softDepth == 0) {
            unknownNames.add(new Token(Kind.NAME, "No filter named '" + nameToken.text() + "'.", nameToken.line(), nameToken.column()));
        }
        Arguments args = peek().isOperator("(") ? arguments() : Arguments.NONE;
        return new Expression.Filter(nameToken, value, nameToken.text(), args);
    }

    private Expression test(Expression value) {
        boolean negated = false;
        if (peek().isName("not")) {
            pos++;
            negated = true;
        }
        Token nameToken = expect(Kind.NAME);
        if (!Tests.exists(nameToken.text()) && softDepth == 0) {
            unknownNames.add(new Token(Kind.NAME, "No test named '" + nameToken.text() + "'.", nameToken.line(), nameToken.column()));
        }
        Arguments args = Arguments.NONE;
        Token t = peek();
        if (t.isOperator("(")) {
            args = arguments();
        } else if ((t.kind() == Kind.NAME || t.kind() == Kind.STRING || t.kind() == Kind.INTEGER || t.kind() == Kind.FLOAT
                || t.isOperator("[") || t.isOperator("{")) && !t.isName("else") && !t.isName("or") && !t.isName("and")) {
            // Jinja2 takes one operand without parentheses: `x is divisibleby 3`, `x is sameas false`
            if (t.isName("is")) {
                throw error(t, "You cannot chain multiple tests with is");
            }
            args = new Arguments(List.of(postfix(primary())), List.of(), List.of());
        }
        return new Expression.Test(nameToken, value, nameToken.text(), args, negated);
    }

    // ---- token helpers ----

    private Token peek() {
        return tokens.get(pos);
    }

    private Token next() {
        Token t = tokens.get(pos);
        if (t.kind() != Kind.END) {
            pos++;
        }
        return t;
    }

    private Token expect(Kind kind) {
        Token t = peek();
        if (t.kind() != kind) {
            throw error(t, "expected '" + Token.describe(kind) + "', got " + t.describe());
        }
        pos++;
        return t;
    }

    private void expectOperator(String op) {
        Token t = peek();
        if (!t.isOperator(op)) {
            throw error(t, "expected '" + op + "', got " + t.describe());
        }
        pos++;
    }

    private void expectName(String word) {
        Token t = peek();
        if (!t.isName(word)) {
            throw error(t, "expected '" + word + "', got " + t.describe());
        }
        pos++;
    }

    private void blockEnd() {
        expect(Kind.BLOCK_END);
    }

    private void enter(Token at) {
        if (++nesting > MAX_NESTING) {
            throw error(at, "nesting deeper than " + MAX_NESTING + " levels");
        }
    }

    private void leave() {
        nesting--;
    }

    private TemplateException error(Token at, String message) {
        return new TemplateException(TemplateException.Kind.SYNTAX, name, at.line(), at.column(), message);
    }
}
