package dev.basalt.tokenizer.template;

import java.util.List;

/** The expression nodes of a parsed template; {@code at} is the token an error is reported at. */
sealed interface Expression {
    Token at();

    /** A string, number, boolean or none written in the template. */
    record Literal(Token at, Object value) implements Expression {
    }

    record Name(Token at, String name) implements Expression {
    }

    record ListLiteral(Token at, List<Expression> items) implements Expression {
    }

    record TupleLiteral(Token at, List<Expression> items) implements Expression {
    }

    record DictLiteral(Token at, List<Expression> keys, List<Expression> values) implements Expression {
    }

    /** {@code obj.name}: an attribute first, then an item (Jinja2's {@code getattr}). */
    record Attribute(Token at, Expression object, String name) implements Expression {
    }

    /** {@code obj[key]}: an item first, then an attribute (Jinja2's {@code getitem}). */
    record Item(Token at, Expression object, Expression key) implements Expression {
    }

    /** {@code start:stop:step} inside a subscript; each part may be null. */
    record Slice(Token at, Expression start, Expression stop, Expression step) implements Expression {
    }

    /** Positional and keyword arguments of a call, filter or test. */
    record Arguments(List<Expression> positional, List<String> keywordNames, List<Expression> keywordValues) {
        static final Arguments NONE = new Arguments(List.of(), List.of(), List.of());
    }

    record Call(Token at, Expression callee, Arguments arguments) implements Expression {
    }

    record Filter(Token at, Expression value, String name, Arguments arguments) implements Expression {
    }

    record Test(Token at, Expression value, String name, Arguments arguments, boolean negated) implements Expression {
    }

    /** {@code not}, unary {@code -} and {@code +}. */
    record Unary(Token at, String operator, Expression operand) implements Expression {
    }

    /** Arithmetic, {@code ~}, {@code and}, {@code or}. */
    record Binary(Token at, String operator, Expression left, Expression right) implements Expression {
    }

    /** A comparison chain {@code a < b <= c}, evaluated like Python's. */
    record Compare(Token at, Expression first, List<String> operators, List<Expression> rest) implements Expression {
    }

    /** {@code then if condition else otherwise}; without {@code else} the value is undefined. */
    record Conditional(Token at, Expression condition, Expression then, Expression otherwise) implements Expression {
    }
}
