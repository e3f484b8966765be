package io.quantwatch.chat.jinja;

import io.quantwatch.chat.jinja.Lexer.Kind;
import io.quantwatch.chat.jinja.Lexer.Token;
import io.quantwatch.chat.jinja.Node.Expr;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the statements of a template from its tokens. Operator precedence is the reference renderer's (lowest
 * first): conditional, or, and, not, comparison and membership, {@code + - ~}, {@code * / // %}, {@code **}, tests
 * ({@code is}), filters ({@code |}), unary sign, calls and member access.
 */
final class Parser {
    private final List<Token> tokens;
    private int at;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static List<Node> parse(List<Token> tokens) {
        Parser p = new Parser(tokens);
        List<Node> body = new ArrayList<>();
        while (p.at < tokens.size()) {
            body.add(p.statement());
        }
        return body;
    }

    private Node statement() {
        Token t = next();
        switch (t.kind()) {
            case TEXT:
                return new Node.Text(t.text());
            case OPEN_EXPRESSION: {
                Expr e = expression();
                expect(Kind.CLOSE_EXPRESSION, "}}");
                return new Node.Output(e);
            }
            case OPEN_STATEMENT:
                return tag();
            default:
                throw error("unexpected '" + t.text() + "'");
        }
    }

    private Node tag() {
        String keyword = name();
        switch (keyword) {
            case "if":
                return ifTag();
            case "for":
                return forTag();
            case "set":
                return setTag();
            case "macro":
                return macroTag();
            case "break":
            case "continue":
                expect(Kind.CLOSE_STATEMENT, "%}");
                return new Node.LoopControl(keyword.equals("break"));
            default:
                throw error("unknown tag '" + keyword + "'");
        }
    }

    private Node ifTag() {
        Expr test = expression();
        expect(Kind.CLOSE_STATEMENT, "%}");
        List<Node> then = until("elif", "else", "endif");
        List<Node> otherwise = new ArrayList<>();
        String end = endKeyword();
        if (end.equals("elif")) {
            // The rest is an if of its own, which also reads the closing endif.
            otherwise.add(ifTag());
            return new Node.If(test, then, otherwise);
        }
        if (end.equals("else")) {
            expect(Kind.CLOSE_STATEMENT, "%}");
            otherwise = until("endif");
            endKeyword();
        }
        expect(Kind.CLOSE_STATEMENT, "%}");
        return new Node.If(test, then, otherwise);
    }

    private Node forTag() {
        List<String> targets = new ArrayList<>();
        targets.add(name());
        while (isSymbol(",")) {
            next();
            targets.add(name());
        }
        if (!isName("in")) {
            throw error("expected 'in' after the loop variable");
        }
        next();
        Expr iterable = or();
        Expr filter = null;
        if (isName("if")) {
            next();
            filter = expression();
        }
        expect(Kind.CLOSE_STATEMENT, "%}");
        List<Node> body = until("else", "endfor");
        List<Node> otherwise = List.of();
        if (endKeyword().equals("else")) {
            expect(Kind.CLOSE_STATEMENT, "%}");
            otherwise = until("endfor");
            endKeyword();
        }
        expect(Kind.CLOSE_STATEMENT, "%}");
        return new Node.For(targets, iterable, filter, body, otherwise);
    }

    private Node setTag() {
        Expr target = postfix(primary());
        if (isSymbol(",")) {
            List<Expr> names = new ArrayList<>(List.of(target));
            while (isSymbol(",")) {
                next();
                names.add(postfix(primary()));
            }
            target = new Node.ListLiteral(names, true);
        }
        if (isSymbol("=")) {
            next();
            Expr value = sequence();
            expect(Kind.CLOSE_STATEMENT, "%}");
            return new Node.Set(target, value, null);
        }
        expect(Kind.CLOSE_STATEMENT, "%}");
        List<Node> body = until("endset");
        endKeyword();
        expect(Kind.CLOSE_STATEMENT, "%}");
        return new Node.Set(target, null, body);
    }

    private Node macroTag() {
        String name = name();
        expectSymbol("(");
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        while (!isSymbol(")")) {
            params.add(name());
            if (isSymbol("=")) {
                next();
                defaults.add(expression());
            } else {
                defaults.add(null);
            }
            if (isSymbol(",")) {
                next();
            }
        }
        next();
        expect(Kind.CLOSE_STATEMENT, "%}");
        List<Node> body = until("endmacro");
        endKeyword();
        expect(Kind.CLOSE_STATEMENT, "%}");
        return new Node.Macro(name, params, defaults, body);
    }

    /** Statements up to (not including) a {@code {% keyword} among {@code ends}; leaves the position at the keyword. */
    private List<Node> until(String... ends) {
        List<Node> body = new ArrayList<>();
        while (true) {
            if (at >= tokens.size()) {
                throw error("expected {% " + String.join(" or ", ends) + " %} before the end of the template");
            }
            if (peek().kind() == Kind.OPEN_STATEMENT && at + 1 < tokens.size()) {
                Token k = tokens.get(at + 1);
                for (String end : ends) {
                    if (k.kind() == Kind.NAME && k.text().equals(end)) {
                        return body;
                    }
                }
            }
            body.add(statement());
        }
    }

    private String endKeyword() {
        expect(Kind.OPEN_STATEMENT, "{%");
        return name();
    }

    /** {@code a, b} as a tuple, or one expression. */
    private Expr sequence() {
        Expr first = expression();
        if (!isSymbol(",")) {
            return first;
        }
        List<Expr> items = new ArrayList<>(List.of(first));
        while (isSymbol(",")) {
            next();
            items.add(expression());
        }
        return new Node.ListLiteral(items, true);
    }

    private Expr expression() {
        Expr value = or();
        if (isName("if")) {
            next();
            Expr test = or();
            Expr otherwise = new Node.Literal(Undefined.INSTANCE);
            if (isName("else")) {
                next();
                otherwise = expression();
            }
            return new Node.Ternary(test, value, otherwise);
        }
        return value;
    }

    private Expr or() {
        Expr left = and();
        while (isName("or")) {
            next();
            left = new Node.Binary("or", left, and());
        }
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (isName("and")) {
            next();
            left = new Node.Binary("and", left, not());
        }
        return left;
    }

    private Expr not() {
        if (isName("not")) {
            next();
            return new Node.Unary("not", not());
        }
        return comparison();
    }

    private Expr comparison() {
        Expr left = additive();
        while (true) {
            String op;
            if (isName("not")
                    && at + 1 < tokens.size()
                    && tokens.get(at + 1).text().equals("in")) {
                next();
                next();
                op = "not in";
            } else if (isName("in")) {
                next();
                op = "in";
            } else if (peek() != null
                    && peek().kind() == Kind.SYMBOL
                    && List.of("==", "!=", "<", ">", "<=", ">=").contains(peek().text())) {
                op = next().text();
            } else {
                return left;
            }
            left = new Node.Binary(op, left, additive());
        }
    }

    private Expr additive() {
        Expr left = multiplicative();
        while (isSymbol("+") || isSymbol("-") || isSymbol("~")) {
            String op = next().text();
            left = new Node.Binary(op, left, multiplicative());
        }
        return left;
    }

    private Expr multiplicative() {
        Expr left = power();
        while (isSymbol("*") || isSymbol("/") || isSymbol("//") || isSymbol("%")) {
            String op = next().text();
            left = new Node.Binary(op, left, power());
        }
        return left;
    }

    private Expr power() {
        Expr left = test();
        while (isSymbol("**")) {
            next();
            left = new Node.Binary("**", left, test());
        }
        return left;
    }

    private Expr test() {
        Expr operand = filter();
        while (isName("is")) {
            next();
            boolean negated = false;
            if (isName("not")) {
                next();
                negated = true;
            }
            String name = peek() != null && peek().kind() == Kind.NAME ? next().text() : testSymbol();
            List<Expr> args = new ArrayList<>();
            if (isSymbol("(")) {
                next();
                while (!isSymbol(")")) {
                    args.add(expression());
                    if (isSymbol(",")) {
                        next();
                    }
                }
                next();
            }
            operand = new Node.Test(operand, name, negated, args);
        }
        return operand;
    }

    /** Tests named by a symbol ({@code x is == y} is not Jinja; only names are tests). */
    private String testSymbol() {
        throw error("expected the name of a test after 'is'");
    }

    private Expr filter() {
        Expr operand = unary();
        while (isSymbol("|")) {
            next();
            String name = name();
            List<Expr> args = new ArrayList<>();
            List<String> kwNames = new ArrayList<>();
            List<Expr> kwValues = new ArrayList<>();
            if (isSymbol("(")) {
                next();
                arguments(args, kwNames, kwValues);
            }
            operand = new Node.Filter(operand, name, args, kwNames, kwValues);
        }
        return operand;
    }

    private Expr unary() {
        if (isSymbol("-") || isSymbol("+")) {
            String op = next().text();
            return new Node.Unary(op, unary());
        }
        return postfix(primary());
    }

    private Expr postfix(Expr object) {
        while (true) {
            if (isSymbol(".")) {
                next();
                Token t = next();
                if (t.kind() != Kind.NAME && t.kind() != Kind.INTEGER) {
                    throw error("expected a name after '.'");
                }
                object = t.kind() == Kind.NAME
                        ? new Node.Attribute(object, t.text())
                        : new Node.Subscript(object, new Node.Literal(Long.parseLong(t.text())));
            } else if (isSymbol("[")) {
                next();
                object = subscript(object);
            } else if (isSymbol("(")) {
                next();
                List<Expr> args = new ArrayList<>();
                List<String> kwNames = new ArrayList<>();
                List<Expr> kwValues = new ArrayList<>();
                arguments(args, kwNames, kwValues);
                object = new Node.Call(object, args, kwNames, kwValues);
            } else {
                return object;
            }
        }
    }

    private Expr subscript(Expr object) {
        List<Expr> parts = new ArrayList<>();
        boolean slice = false;
        Expr current = null;
        boolean hasCurrent = false;
        while (!isSymbol("]")) {
            if (isSymbol(":")) {
                next();
                parts.add(hasCurrent ? current : null);
                current = null;
                hasCurrent = false;
                slice = true;
            } else {
                current = expression();
                hasCurrent = true;
            }
        }
        next();
        if (!slice) {
            if (!hasCurrent) {
                throw error("expected an index inside [ ]");
            }
            return new Node.Subscript(object, current);
        }
        parts.add(hasCurrent ? current : null);
        if (parts.size() > 3) {
            throw error("a slice takes at most start:stop:step");
        }
        while (parts.size() < 3) {
            parts.add(null);
        }
        return new Node.Slice(object, parts.get(0), parts.get(1), parts.get(2));
    }

    /** Call arguments after '(' up to and including ')'. */
    private void arguments(List<Expr> args, List<String> kwNames, List<Expr> kwValues) {
        while (!isSymbol(")")) {
            if (peek() != null
                    && peek().kind() == Kind.NAME
                    && at + 1 < tokens.size()
                    && tokens.get(at + 1).kind() == Kind.SYMBOL
                    && tokens.get(at + 1).text().equals("=")) {
                kwNames.add(next().text());
                next();
                kwValues.add(expression());
            } else {
                if (!kwNames.isEmpty()) {
                    throw error("a positional argument follows a keyword argument");
                }
                args.add(expression());
            }
            if (isSymbol(",")) {
                next();
            } else if (!isSymbol(")")) {
                throw error("expected ',' or ')' in an argument list");
            }
        }
        next();
    }

    private Expr primary() {
        Token t = next();
        switch (t.kind()) {
            case STRING: {
                StringBuilder s = new StringBuilder(t.text());
                while (peek() != null && peek().kind() == Kind.STRING) {
                    s.append(next().text()); // adjacent literals concatenate, as in Python
                }
                return new Node.Literal(s.toString());
            }
            case INTEGER:
                return new Node.Literal(Long.parseLong(t.text()));
            case FLOAT:
                return new Node.Literal(Double.parseDouble(t.text()));
            case NAME:
                return switch (t.text()) {
                    case "true", "True" -> new Node.Literal(Boolean.TRUE);
                    case "false", "False" -> new Node.Literal(Boolean.FALSE);
                    case "none", "None" -> new Node.Literal(null);
                    default -> new Node.Name(t.text());
                };
            case SYMBOL:
                switch (t.text()) {
                    case "(": {
                        Expr inner = sequenceUntil(")");
                        return inner;
                    }
                    case "[": {
                        List<Expr> items = new ArrayList<>();
                        while (!isSymbol("]")) {
                            items.add(expression());
                            if (isSymbol(",")) {
                                next();
                            }
                        }
                        next();
                        return new Node.ListLiteral(items, false);
                    }
                    case "{": {
                        List<Expr> keys = new ArrayList<>();
                        List<Expr> values = new ArrayList<>();
                        while (!isSymbol("}")) {
                            keys.add(expression());
                            expectSymbol(":");
                            values.add(expression());
                            if (isSymbol(",")) {
                                next();
                            }
                        }
                        next();
                        return new Node.DictLiteral(keys, values);
                    }
                    default:
                        throw error("unexpected '" + t.text() + "'");
                }
            default:
                throw error("unexpected '" + t.text() + "'");
        }
    }

    /** A parenthesized expression, or a tuple when it holds commas. */
    private Expr sequenceUntil(String close) {
        List<Expr> items = new ArrayList<>();
        boolean tuple = false;
        while (!isSymbol(close)) {
            items.add(expression());
            if (isSymbol(",")) {
                next();
                tuple = true;
            }
        }
        next();
        if (!tuple && items.size() == 1) {
            return items.get(0);
        }
        return new Node.ListLiteral(items, true);
    }

    private Token peek() {
        return at < tokens.size() ? tokens.get(at) : null;
    }

    private Token next() {
        if (at >= tokens.size()) {
            throw error("unexpected end of the template");
        }
        return tokens.get(at++);
    }

    private boolean isSymbol(String s) {
        Token t = peek();
        return t != null && t.kind() == Kind.SYMBOL && t.text().equals(s);
    }

    private boolean isName(String s) {
        Token t = peek();
        return t != null && t.kind() == Kind.NAME && t.text().equals(s);
    }

    private String name() {
        Token t = next();
        if (t.kind() != Kind.NAME) {
            throw error("expected a name, got '" + t.text() + "'");
        }
        return t.text();
    }

    private void expect(Kind kind, String what) {
        Token t = next();
        if (t.kind() != kind) {
            throw error("expected '" + what + "', got '" + t.text() + "'");
        }
    }

    private void expectSymbol(String s) {
        if (!isSymbol(s)) {
            throw error("expected '" + s + "'");
        }
        next();
    }

    private TemplateException error(String message) {
        return new TemplateException("template syntax error: " + message + " (token " + at + ")");
    }
}
