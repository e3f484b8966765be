package io.quantwatch.chat.jinja;

import io.quantwatch.chat.jinja.Node.Expr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders parsed statements: scopes (a for loop's body has its own, so {@code set} inside it is not seen after it,
 * which is why templates use {@code namespace}), the {@code loop} variable, macros, and every expression.
 */
final class Interpreter {
    /** Deepest nesting of macro calls: a template that recurses without end fails instead of overflowing the stack. */
    private static final int MAX_CALL_DEPTH = 200;

    private int callDepth;

    /** Variables of one scope, falling back to the enclosing one. */
    static final class Scope {
        private final Scope parent;
        private final Map<String, Object> vars = new HashMap<>();

        Scope(Scope parent) {
            this.parent = parent;
        }

        Object lookup(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.vars.containsKey(name)) {
                    return s.vars.get(name);
                }
            }
            return Undefined.INSTANCE;
        }

        void set(String name, Object value) {
            vars.put(name, value);
        }
    }

    /** Thrown through the statements of a loop body by {@code break} and {@code continue}. */
    private static final class LoopSignal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final boolean isBreak;

        LoopSignal(boolean isBreak) {
            super(null, null, false, false);
            this.isBreak = isBreak;
        }
    }

    String render(List<Node> body, Scope scope) {
        StringBuilder out = new StringBuilder();
        render(body, scope, out);
        return out.toString();
    }

    private void render(List<Node> body, Scope scope, StringBuilder out) {
        for (Node n : body) {
            if (n instanceof Node.Text t) {
                out.append(t.value());
            } else if (n instanceof Node.Output o) {
                Object v = eval(o.value(), scope);
                if (v != null && v != Undefined.INSTANCE) {
                    out.append(Values.str(v));
                }
            } else if (n instanceof Node.If i) {
                render(Values.truthy(eval(i.test(), scope)) ? i.then() : i.otherwise(), scope, out);
            } else if (n instanceof Node.For f) {
                renderFor(f, scope, out);
            } else if (n instanceof Node.Set s) {
                set(s, scope);
            } else if (n instanceof Node.Macro m) {
                scope.set(m.name(), macro(m, scope));
            } else if (n instanceof Node.LoopControl c) {
                throw new LoopSignal(c.isBreak());
            }
        }
    }

    private void renderFor(Node.For f, Scope scope, StringBuilder out) {
        Object iterable = eval(f.iterable(), scope);
        List<Object> items;
        if (iterable instanceof List<?> l) {
            items = new ArrayList<>(l);
        } else if (iterable instanceof Map<?, ?> m) {
            items = new ArrayList<>(m.keySet());
        } else if (iterable instanceof String s) {
            List<Object> chars = new ArrayList<>();
            s.codePoints().forEach(cp -> chars.add(new String(Character.toChars(cp))));
            items = chars;
        } else {
            throw new TemplateException("cannot loop over " + Values.typeName(iterable));
        }
        if (f.filter() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                Scope test = new Scope(scope);
                bind(f.targets(), item, test);
                if (Values.truthy(eval(f.filter(), test))) {
                    kept.add(item);
                }
            }
            items = kept;
        }
        if (items.isEmpty()) {
            render(f.otherwise(), scope, out);
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            Scope body = new Scope(scope);
            bind(f.targets(), items.get(i), body);
            body.set("loop", loop(i, items));
            try {
                render(f.body(), body, out);
            } catch (LoopSignal signal) {
                if (signal.isBreak) {
                    break;
                }
            }
        }
    }

    private static Map<String, Object> loop(int i, List<Object> items) {
        Map<String, Object> loop = new LinkedHashMap<>();
        int n = items.size();
        loop.put("index", (long) i + 1);
        loop.put("index0", (long) i);
        loop.put("revindex", (long) (n - i));
        loop.put("revindex0", (long) (n - i - 1));
        loop.put("first", i == 0);
        loop.put("last", i == n - 1);
        loop.put("length", (long) n);
        loop.put("previtem", i > 0 ? items.get(i - 1) : Undefined.INSTANCE);
        loop.put("nextitem", i < n - 1 ? items.get(i + 1) : Undefined.INSTANCE);
        return loop;
    }

    private static void bind(List<String> targets, Object item, Scope scope) {
        if (targets.size() == 1) {
            scope.set(targets.get(0), item);
            return;
        }
        if (!(item instanceof List<?> l) || l.size() != targets.size()) {
            throw new TemplateException("cannot unpack " + Values.typeName(item) + " into " + targets);
        }
        for (int k = 0; k < targets.size(); k++) {
            scope.set(targets.get(k), l.get(k));
        }
    }

    private void set(Node.Set s, Scope scope) {
        Object value = s.value() != null ? eval(s.value(), scope) : render(s.body(), scope);
        Expr target = s.target();
        if (target instanceof Node.Name n) {
            scope.set(n.name(), value);
        } else if (target instanceof Node.Attribute a) {
            Object object = eval(a.object(), scope);
            if (!(object instanceof Namespace ns)) {
                throw new TemplateException("cannot set the attribute '" + a.name() + "' of a "
                        + Values.typeName(object) + " (only of a namespace)");
            }
            ns.attributes.put(a.name(), value);
        } else if (target instanceof Node.ListLiteral t && t.tuple()) {
            if (!(value instanceof List<?> l) || l.size() != t.items().size()) {
                throw new TemplateException("cannot unpack " + Values.typeName(value) + " in set");
            }
            for (int k = 0; k < t.items().size(); k++) {
                if (!(t.items().get(k) instanceof Node.Name n)) {
                    throw new TemplateException("can only unpack into names");
                }
                scope.set(n.name(), l.get(k));
            }
        } else {
            throw new TemplateException("cannot assign to this expression");
        }
    }

    private JinjaFunction macro(Node.Macro m, Scope definedIn) {
        return (args, kwargs) -> {
            if (++callDepth > MAX_CALL_DEPTH) {
                callDepth = 0;
                throw new TemplateException("macro calls nested deeper than " + MAX_CALL_DEPTH);
            }
            try {
                Scope s = new Scope(definedIn);
                for (int k = 0; k < m.params().size(); k++) {
                    String p = m.params().get(k);
                    Object v;
                    if (k < args.size()) {
                        v = args.get(k);
                    } else if (kwargs.containsKey(p)) {
                        v = kwargs.get(p);
                    } else if (m.defaults().get(k) != null) {
                        v = eval(m.defaults().get(k), definedIn);
                    } else {
                        v = Undefined.INSTANCE;
                    }
                    s.set(p, v);
                }
                return render(m.body(), s);
            } finally {
                callDepth--;
            }
        };
    }

    Object eval(Expr e, Scope scope) {
        if (e instanceof Node.Literal l) {
            return l.value();
        }
        if (e instanceof Node.Name n) {
            return scope.lookup(n.name());
        }
        if (e instanceof Node.ListLiteral l) {
            List<Object> items = evalAll(l.items(), scope);
            return l.tuple() ? new Tuple(items) : items;
        }
        if (e instanceof Node.DictLiteral d) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (int k = 0; k < d.keys().size(); k++) {
                Object key = eval(d.keys().get(k), scope);
                if (!(key instanceof String) && !(key instanceof Long)) {
                    throw new TemplateException("a dict key must be a string or an integer");
                }
                out.put(String.valueOf(key), eval(d.values().get(k), scope));
            }
            return out;
        }
        if (e instanceof Node.Attribute a) {
            return Builtins.member(eval(a.object(), scope), a.name());
        }
        if (e instanceof Node.Subscript s) {
            return Builtins.item(eval(s.object(), scope), eval(s.index(), scope));
        }
        if (e instanceof Node.Slice s) {
            return Builtins.slice(
                    eval(s.object(), scope),
                    optional(s.start(), scope),
                    optional(s.stop(), scope),
                    optional(s.step(), scope));
        }
        if (e instanceof Node.Call c) {
            return call(c, scope);
        }
        if (e instanceof Node.Filter f) {
            Object operand = eval(f.operand(), scope);
            return Builtins.filter(
                    f.name(), operand, evalAll(f.args(), scope), kwargs(f.kwNames(), f.kwValues(), scope));
        }
        if (e instanceof Node.Test t) {
            Object operand = eval(t.operand(), scope);
            return t.negated() != Builtins.test(t.name(), operand, evalAll(t.args(), scope));
        }
        if (e instanceof Node.Unary u) {
            return unary(u, scope);
        }
        if (e instanceof Node.Binary b) {
            return binary(b, scope);
        }
        Node.Ternary t = (Node.Ternary) e;
        return Values.truthy(eval(t.test(), scope)) ? eval(t.then(), scope) : eval(t.otherwise(), scope);
    }

    private Object optional(Expr e, Scope scope) {
        return e == null ? null : eval(e, scope);
    }

    private List<Object> evalAll(List<Expr> exprs, Scope scope) {
        List<Object> out = new ArrayList<>(exprs.size());
        for (Expr x : exprs) {
            out.add(eval(x, scope));
        }
        return out;
    }

    private Map<String, Object> kwargs(List<String> names, List<Expr> values, Scope scope) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int k = 0; k < names.size(); k++) {
            out.put(names.get(k), eval(values.get(k), scope));
        }
        return out;
    }

    private Object call(Node.Call c, Scope scope) {
        Object callee = eval(c.callee(), scope);
        if (!(callee instanceof JinjaFunction fn)) {
            throw new TemplateException("cannot call " + Values.typeName(callee) + " (" + describe(c.callee()) + ")");
        }
        return fn.call(evalAll(c.args(), scope), kwargs(c.kwNames(), c.kwValues(), scope));
    }

    private static String describe(Expr e) {
        if (e instanceof Node.Name n) {
            return n.name();
        }
        if (e instanceof Node.Attribute a) {
            return describe(a.object()) + "." + a.name();
        }
        return "an expression";
    }

    private Object unary(Node.Unary u, Scope scope) {
        Object v = eval(u.operand(), scope);
        return switch (u.op()) {
            case "not" -> !Values.truthy(v);
            case "-" -> {
                if (v instanceof Long l) {
                    yield -l;
                }
                if (v instanceof Double d) {
                    yield -d;
                }
                throw new TemplateException("bad operand for unary -: " + Values.typeName(v));
            }
            case "+" -> {
                if (v instanceof Long || v instanceof Double) {
                    yield v;
                }
                throw new TemplateException("bad operand for unary +: " + Values.typeName(v));
            }
            default -> throw new TemplateException("unknown operator " + u.op());
        };
    }

    private Object binary(Node.Binary b, Scope scope) {
        Object left = eval(b.left(), scope);
        switch (b.op()) {
            case "and":
                return Values.truthy(left) ? eval(b.right(), scope) : left;
            case "or":
                return Values.truthy(left) ? left : eval(b.right(), scope);
            default:
                break;
        }
        Object right = eval(b.right(), scope);
        return Operators.apply(b.op(), left, right);
    }
}
