package io.quantwatch.chat.jinja;

import java.util.List;

/** The parsed template: statements that render, and the expressions inside them. */
sealed interface Node {
    /** Literal text between tags. */
    record Text(String value) implements Node {}

    /** {@code {{ expression }}}. */
    record Output(Expr value) implements Node {}

    /** {@code {% if %}…{% elif %}…{% else %}…{% endif %}} (elif as a nested If in {@code otherwise}). */
    record If(Expr test, List<Node> then, List<Node> otherwise) implements Node {}

    /** {@code {% for a, b in items if cond %}…{% else %}…{% endfor %}}. */
    record For(List<String> targets, Expr iterable, Expr filter, List<Node> body, List<Node> otherwise)
            implements Node {}

    /** {@code {% set target = value %}} or the block form {@code {% set x %}…{% endset %}} (value null). */
    record Set(Expr target, Expr value, List<Node> body) implements Node {}

    /** {@code {% macro name(params) %}…{% endmacro %}}; a parameter's default may be null. */
    record Macro(String name, List<String> params, List<Expr> defaults, List<Node> body) implements Node {}

    /** {@code {% break %}} and {@code {% continue %}}. */
    record LoopControl(boolean isBreak) implements Node {}

    /** Expressions. */
    sealed interface Expr {}

    record Literal(Object value) implements Expr {}

    record Name(String name) implements Expr {}

    record ListLiteral(List<Expr> items, boolean tuple) implements Expr {}

    record DictLiteral(List<Expr> keys, List<Expr> values) implements Expr {}

    record Attribute(Expr object, String name) implements Expr {}

    record Subscript(Expr object, Expr index) implements Expr {}

    /** {@code [start:stop:step]}; absent parts are null. */
    record Slice(Expr object, Expr start, Expr stop, Expr step) implements Expr {}

    record Call(Expr callee, List<Expr> args, List<String> kwNames, List<Expr> kwValues) implements Expr {}

    record Filter(Expr operand, String name, List<Expr> args, List<String> kwNames, List<Expr> kwValues)
            implements Expr {}

    record Test(Expr operand, String name, boolean negated, List<Expr> args) implements Expr {}

    record Unary(String op, Expr operand) implements Expr {}

    record Binary(String op, Expr left, Expr right) implements Expr {}

    record Ternary(Expr test, Expr then, Expr otherwise) implements Expr {}
}
