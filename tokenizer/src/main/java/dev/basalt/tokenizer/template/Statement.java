package dev.basalt.tokenizer.template;

import java.util.List;

/** The statement nodes of a parsed template; {@code at} is the token an error is reported at. */
sealed interface Statement {
    Token at();

    record Text(Token at, String text) implements Statement {
    }

    /** {@code {{ expression }}}. */
    record Print(Token at, Expression value) implements Statement {
    }

    /** {@code if}/{@code elif} branches in order and the {@code else} body (empty when absent). */
    record If(Token at, List<Expression> conditions, List<List<Statement>> bodies, List<Statement> otherwise)
            implements Statement {
    }

    /** {@code for target in iterable [if filter] [recursive]}, with an {@code else} body run when nothing iterated. */
    record For(Token at, Expression target, Expression iterable, Expression filter, boolean recursive,
            List<Statement> body, List<Statement> otherwise) implements Statement {
    }

    /** {@code set target = value}; the target is a name, a tuple of names, or {@code namespace.attribute}. */
    record Set(Token at, Expression target, Expression value) implements Statement {
    }

    /** {@code set target}...{@code endset}: the rendered body, passed through the filters, is assigned. */
    record SetBlock(Token at, Expression target, List<Expression.Filter> filters, List<Statement> body)
            implements Statement {
    }

    /** {@code macro name(parameters)}; a parameter without default has a null entry in {@code defaults}. */
    record Macro(Token at, String name, List<String> parameters, List<Expression> defaults, List<Statement> body)
            implements Statement {
    }

    /** {@code call(parameters) macro(...)}: calls the macro with {@code caller} bound to the body. */
    record CallBlock(Token at, Expression.Call call, List<String> parameters, List<Expression> defaults,
            List<Statement> body) implements Statement {
    }

    /** {@code filter name(args)}...{@code endfilter}: the rendered body passed through the filters. */
    record FilterBlock(Token at, List<Expression.Filter> filters, List<Statement> body) implements Statement {
    }

    /** {@code with a = 1, b = 2}...{@code endwith}: assignments visible only inside. */
    record With(Token at, List<Expression> targets, List<Expression> values, List<Statement> body)
            implements Statement {
    }

    record Break(Token at) implements Statement {
    }

    record Continue(Token at) implements Statement {
    }
}
