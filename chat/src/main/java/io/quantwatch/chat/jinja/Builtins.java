package io.quantwatch.chat.jinja;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Member access, indexing, slicing, filters, tests and the methods of strings and maps, as the reference renderer
 * provides them. Where it departs from Python it is followed, not Python: {@code strip}, {@code lstrip} and
 * {@code rstrip} ignore their argument and strip whitespace; {@code indent} indents by four spaces.
 */
final class Builtins {
    private static final Pattern WORD_START = Pattern.compile("\\b\\w");

    private Builtins() {}

    static Object member(Object object, String name) {
        if (object instanceof Map<?, ?> m) {
            if (m.containsKey(name)) {
                return m.get(name);
            }
            return mapMethod(m, name);
        }
        if (object instanceof Namespace ns) {
            return ns.attributes.getOrDefault(name, Undefined.INSTANCE);
        }
        if (object instanceof String s) {
            return stringMethod(s, name);
        }
        if (object instanceof List<?> l && name.equals("length")) {
            return (long) l.size();
        }
        return Undefined.INSTANCE;
    }

    static Object item(Object object, Object index) {
        if (object instanceof Map<?, ?> || object instanceof Namespace) {
            if (!(index instanceof String key)) {
                throw new TemplateException("cannot look up a " + Values.typeName(index) + " key in a map");
            }
            return member(object, key);
        }
        if (object instanceof List<?> l) {
            if (index instanceof Long i) {
                long k = i < 0 ? l.size() + i : i;
                return k >= 0 && k < l.size() ? l.get((int) k) : Undefined.INSTANCE;
            }
            if (index instanceof String name) {
                return member(object, name);
            }
        }
        if (object instanceof String s) {
            if (index instanceof Long i) {
                long k = i < 0 ? s.length() + i : i;
                return k >= 0 && k < s.length() ? String.valueOf(s.charAt((int) k)) : Undefined.INSTANCE;
            }
            if (index instanceof String name) {
                return stringMethod(s, name);
            }
        }
        if (object == Undefined.INSTANCE || object == null) {
            return Undefined.INSTANCE;
        }
        throw new TemplateException("cannot index a " + Values.typeName(object));
    }

    /** Python's slice rules ({@code [::-1]} reverses), on lists and strings. */
    static Object slice(Object object, Object start, Object stop, Object step) {
        long st = step == null ? 1 : asLong(step, "slice step");
        if (st == 0) {
            throw new TemplateException("slice step cannot be zero");
        }
        int n;
        if (object instanceof List<?> l) {
            n = l.size();
        } else if (object instanceof String s) {
            n = s.length();
        } else {
            throw new TemplateException("cannot slice a " + Values.typeName(object));
        }
        long lo;
        long hi;
        if (st > 0) {
            lo = start == null ? 0 : clamp(asLong(start, "slice start"), n, 0, n);
            hi = stop == null ? n : clamp(asLong(stop, "slice stop"), n, 0, n);
        } else {
            lo = start == null ? n - 1 : clamp(asLong(start, "slice start"), n, -1, n - 1);
            hi = stop == null ? -1 : clamp(asLong(stop, "slice stop"), n, -1, n - 1);
        }
        List<Integer> picked = new ArrayList<>();
        for (long i = lo; st > 0 ? i < hi : i > hi; i += st) {
            picked.add((int) i);
        }
        if (object instanceof List<?> l) {
            List<Object> out = new ArrayList<>(picked.size());
            picked.forEach(i -> out.add(l.get(i)));
            return out;
        }
        String s = (String) object;
        StringBuilder out = new StringBuilder();
        picked.forEach(i -> out.append(s.charAt(i)));
        return out.toString();
    }

    private static long clamp(long i, int n, long min, long max) {
        long k = i < 0 ? i + n : i;
        return Math.max(min, Math.min(max, k));
    }

    private static long asLong(Object v, String what) {
        if (v instanceof Long l) {
            return l;
        }
        throw new TemplateException(what + " must be an integer, got " + Values.typeName(v));
    }

    private static Object mapMethod(Map<?, ?> m, String name) {
        switch (name) {
            case "items":
                return (JinjaFunction) (a, k) -> items(m);
            case "keys":
                return (JinjaFunction) (a, k) -> new ArrayList<Object>(m.keySet());
            case "values":
                return (JinjaFunction) (a, k) -> new ArrayList<Object>(m.values());
            case "get":
                return (JinjaFunction) (a, k) -> {
                    if (a.isEmpty() || !(a.get(0) instanceof String key)) {
                        throw new TemplateException("get() takes a string key");
                    }
                    Object v = m.get(key);
                    return v != null ? v : a.size() > 1 ? a.get(1) : null;
                };
            default:
                return Undefined.INSTANCE;
        }
    }

    private static List<Object> items(Map<?, ?> m) {
        List<Object> out = new ArrayList<>();
        m.forEach((key, value) -> out.add(new ArrayList<>(java.util.Arrays.asList(key, value))));
        return out;
    }

    private static Object stringMethod(String s, String name) {
        switch (name) {
            case "length":
                return (long) s.length();
            case "upper":
                return (JinjaFunction) (a, k) -> s.toUpperCase(Locale.ROOT);
            case "lower":
                return (JinjaFunction) (a, k) -> s.toLowerCase(Locale.ROOT);
            case "strip":
                return (JinjaFunction) (a, k) -> Whitespace.strip(s);
            case "lstrip":
                return (JinjaFunction) (a, k) -> Whitespace.stripLeading(s);
            case "rstrip":
                return (JinjaFunction) (a, k) -> Whitespace.stripTrailing(s);
            case "title":
                return (JinjaFunction) (a, k) -> title(s);
            case "capitalize":
                return (JinjaFunction) (a, k) -> capitalize(s);
            case "startswith":
                return (JinjaFunction) (a, k) -> affix(s, a, true);
            case "endswith":
                return (JinjaFunction) (a, k) -> affix(s, a, false);
            case "split":
                return (JinjaFunction) (a, k) -> split(s, a.isEmpty() ? null : a.get(0), a.size() > 1 ? a.get(1) : -1L);
            case "replace":
                return (JinjaFunction) (a, k) -> {
                    if (a.size() < 2 || !(a.get(0) instanceof String from) || !(a.get(1) instanceof String to)) {
                        throw new TemplateException("replace() takes two strings");
                    }
                    Object count = a.size() > 2 ? a.get(2) : k.get("count");
                    return replace(s, from, to, count instanceof Long c ? c : -1);
                };
            default:
                return Undefined.INSTANCE;
        }
    }

    private static boolean affix(String s, List<Object> args, boolean prefix) {
        if (args.isEmpty()) {
            throw new TemplateException((prefix ? "startswith" : "endswith") + "() takes an argument");
        }
        Object p = args.get(0);
        if (p instanceof String x) {
            return prefix ? s.startsWith(x) : s.endsWith(x);
        }
        if (p instanceof List<?> l) {
            for (Object x : l) {
                if (!(x instanceof String str)) {
                    throw new TemplateException("startswith()/endswith() tuple elements must be strings");
                }
                if (prefix ? s.startsWith(str) : s.endsWith(str)) {
                    return true;
                }
            }
            return false;
        }
        throw new TemplateException("startswith()/endswith() takes a string or a tuple of strings");
    }

    /** Python's {@code str.split(sep=None, maxsplit=-1)}. */
    private static List<Object> split(String s, Object sep, Object maxsplit) {
        long max = maxsplit instanceof Long m ? m : -1;
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            String text = Whitespace.stripLeading(s);
            int i = 0;
            while (i < text.length()) {
                int start = i;
                while (i < text.length() && !Whitespace.is(text.charAt(i))) {
                    i++;
                }
                if (max >= 0 && out.size() >= max) {
                    out.add(text.substring(start));
                    return out;
                }
                out.add(text.substring(start, i));
                while (i < text.length() && Whitespace.is(text.charAt(i))) {
                    i++;
                }
            }
            return out;
        }
        if (!(sep instanceof String sp)) {
            throw new TemplateException("split() separator must be a string or none");
        }
        if (sp.isEmpty()) {
            throw new TemplateException("empty separator");
        }
        int from = 0;
        while (true) {
            int at = s.indexOf(sp, from);
            if (at < 0 || (max >= 0 && out.size() >= max)) {
                out.add(s.substring(from));
                return out;
            }
            out.add(s.substring(from, at));
            from = at + sp.length();
        }
    }

    private static String replace(String s, String from, String to, long count) {
        if (count < 0) {
            if (from.isEmpty()) {
                StringBuilder out = new StringBuilder(to);
                for (int i = 0; i < s.length(); i++) {
                    out.append(s.charAt(i)).append(to);
                }
                return out.toString();
            }
            return s.replace(from, to);
        }
        StringBuilder out = new StringBuilder();
        int at = 0;
        for (long n = 0; n < count; n++) {
            int i = s.indexOf(from, at);
            if (i < 0) {
                break;
            }
            out.append(s, at, i).append(to);
            at = i + from.length();
            if (from.isEmpty()) {
                if (at < s.length()) {
                    out.append(s.charAt(at));
                }
                at++;
            }
        }
        return at <= s.length()
                ? out.append(s.substring(Math.min(at, s.length()))).toString()
                : out.toString();
    }

    /** The first character of every word upper-cased, the rest left as they are (the reference's title). */
    private static String title(String s) {
        Matcher m = WORD_START.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group().toUpperCase(Locale.ROOT)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    static Object filter(String name, Object operand, List<Object> args, Map<String, Object> kwargs) {
        switch (name) {
            case "safe":
                return operand;
            case "tojson": {
                Object indent =
                        kwargs.containsKey("indent") ? kwargs.get("indent") : args.isEmpty() ? null : args.get(0);
                if (indent != null && !(indent instanceof Long)) {
                    throw new TemplateException("tojson: indent must be an integer");
                }
                Object separators = kwargs.get("separators");
                List<String> seps = null;
                if (separators instanceof List<?> l && l.size() == 2) {
                    seps = List.of(String.valueOf(l.get(0)), String.valueOf(l.get(1)));
                }
                return Json.write(
                        operand,
                        indent == null ? null : ((Long) indent).intValue(),
                        Boolean.TRUE.equals(kwargs.get("ensure_ascii")),
                        seps,
                        Boolean.TRUE.equals(kwargs.get("sort_keys")));
            }
            case "default": {
                Object fallback = args.isEmpty() ? "" : args.get(0);
                Object bool = args.size() > 1 ? args.get(1) : kwargs.getOrDefault("boolean", false);
                return operand == Undefined.INSTANCE || (Boolean.TRUE.equals(bool) && !Values.truthy(operand))
                        ? fallback
                        : operand;
            }
            case "length":
            case "count":
                if (operand instanceof String s) {
                    return (long) s.length();
                }
                if (operand instanceof List<?> l) {
                    return (long) l.size();
                }
                if (operand instanceof Map<?, ?> m) {
                    return (long) m.size();
                }
                break;
            case "trim":
                if (operand instanceof String s) {
                    return Whitespace.strip(s);
                }
                break;
            case "upper":
            case "lower":
            case "title":
            case "capitalize":
                if (operand instanceof String s) {
                    return ((JinjaFunction) stringMethod(s, name)).call(List.of(), Map.of());
                }
                break;
            case "string":
                if (operand instanceof Boolean b) {
                    return b ? "true" : "false";
                }
                return operand == Undefined.INSTANCE ? "" : operand == null ? "None" : Values.str(operand);
            case "join": {
                Object sep = args.isEmpty() ? kwargs.getOrDefault("separator", "") : args.get(0);
                List<Object> parts = new ArrayList<>();
                if (operand instanceof String s) {
                    s.codePoints().forEach(cp -> parts.add(new String(Character.toChars(cp))));
                } else if (operand instanceof List<?> l) {
                    parts.addAll(l);
                } else {
                    break;
                }
                StringBuilder out = new StringBuilder();
                for (int i = 0; i < parts.size(); i++) {
                    out.append(i == 0 ? "" : Values.str(sep)).append(joinable(parts.get(i)));
                }
                return out.toString();
            }
            case "first":
                if (operand instanceof List<?> l) {
                    return l.isEmpty() ? Undefined.INSTANCE : l.get(0);
                }
                if (operand instanceof String s) {
                    return s.isEmpty() ? Undefined.INSTANCE : s.substring(0, 1);
                }
                break;
            case "last":
                if (operand instanceof List<?> l) {
                    return l.isEmpty() ? Undefined.INSTANCE : l.get(l.size() - 1);
                }
                if (operand instanceof String s) {
                    return s.isEmpty() ? Undefined.INSTANCE : s.substring(s.length() - 1);
                }
                break;
            case "reverse":
                if (operand instanceof List<?> l) {
                    List<Object> out = new ArrayList<>(l);
                    Collections.reverse(out);
                    return out;
                }
                if (operand instanceof String s) {
                    return new StringBuilder(s).reverse().toString();
                }
                break;
            case "list":
                if (operand instanceof List<?> l) {
                    return new ArrayList<Object>(l);
                }
                if (operand instanceof Map<?, ?> m) {
                    return new ArrayList<Object>(m.keySet());
                }
                if (operand instanceof String s) {
                    List<Object> out = new ArrayList<>();
                    s.chars().forEach(c -> out.add(String.valueOf((char) c)));
                    return out;
                }
                break;
            case "unique":
                if (operand instanceof List<?> l) {
                    Set<Object> seen = new LinkedHashSet<>(l);
                    return new ArrayList<>(seen);
                }
                break;
            case "items":
                if (operand instanceof Map<?, ?> m) {
                    return items(m);
                }
                break;
            case "int":
            case "float":
                return number(name.equals("int"), operand, args.isEmpty() ? kwargs.get("default") : args.get(0));
            case "abs":
                if (operand instanceof Long l) {
                    return Math.abs(l);
                }
                if (operand instanceof Double d) {
                    return Math.abs(d);
                }
                break;
            case "replace":
                if (operand instanceof String s && args.size() >= 2) {
                    Object count = args.size() > 2 ? args.get(2) : kwargs.get("count");
                    return replace(
                            s, Values.str(args.get(0)), Values.str(args.get(1)), count instanceof Long c ? c : -1);
                }
                break;
            case "indent":
                if (operand instanceof String s) {
                    return indent(s, args, kwargs);
                }
                break;
            case "map":
                if (operand instanceof List<?> l) {
                    Object attribute = kwargs.get("attribute");
                    if (attribute instanceof String attr) {
                        List<Object> out = new ArrayList<>();
                        for (Object x : l) {
                            Object v = member(x, attr);
                            out.add(
                                    v == Undefined.INSTANCE && kwargs.containsKey("default")
                                            ? kwargs.get("default")
                                            : v);
                        }
                        return out;
                    }
                    if (!args.isEmpty() && args.get(0) instanceof String f) {
                        List<Object> out = new ArrayList<>();
                        for (Object x : l) {
                            out.add(filter(f, x, args.subList(1, args.size()), Map.of()));
                        }
                        return out;
                    }
                }
                break;
            case "selectattr":
            case "rejectattr":
                if (operand instanceof List<?> l && !args.isEmpty() && args.get(0) instanceof String attr) {
                    boolean select = name.equals("selectattr");
                    List<Object> out = new ArrayList<>();
                    for (Object x : l) {
                        Object v = member(x, attr);
                        boolean ok = args.size() > 1
                                ? test(Values.str(args.get(1)), v, args.subList(2, args.size()))
                                : Values.truthy(v);
                        if (ok == select) {
                            out.add(x);
                        }
                    }
                    return out;
                }
                break;
            case "dictsort":
                if (operand instanceof Map<?, ?> m) {
                    List<Object> out = items(m);
                    out.sort((a, b) -> String.valueOf(((List<?>) a).get(0))
                            .compareToIgnoreCase(String.valueOf(((List<?>) b).get(0))));
                    return out;
                }
                break;
            default:
                throw new TemplateException("unknown filter '" + name + "'");
        }
        throw new TemplateException("cannot apply the filter '" + name + "' to " + Values.typeName(operand));
    }

    private static String joinable(Object v) {
        return v == null ? "null" : v == Undefined.INSTANCE ? "" : Values.str(v);
    }

    private static Object number(boolean integer, Object operand, Object fallback) {
        if (operand instanceof String s) {
            try {
                String t = Whitespace.strip(s);
                Matcher m = Pattern.compile(integer ? "^[+-]?\\d+" : "^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")
                        .matcher(t);
                if (!m.find()) {
                    return fallback != null ? fallback : integer ? (Object) 0L : (Object) 0.0;
                }
                return integer ? (Object) Long.parseLong(m.group()) : (Object) Double.parseDouble(m.group());
            } catch (NumberFormatException e) {
                return fallback != null ? fallback : integer ? (Object) 0L : (Object) 0.0;
            }
        }
        if (operand instanceof Long || operand instanceof Double) {
            double d = ((Number) operand).doubleValue();
            return integer ? (Object) (long) d : (Object) d;
        }
        if (operand instanceof Boolean b) {
            return integer ? (Object) (b ? 1L : 0L) : (Object) (b ? 1.0 : 0.0);
        }
        throw new TemplateException(
                "cannot apply the filter '" + (integer ? "int" : "float") + "' to " + Values.typeName(operand));
    }

    private static String indent(String s, List<Object> args, Map<String, Object> kwargs) {
        Object width = args.isEmpty() ? kwargs.getOrDefault("width", 4L) : args.get(0);
        Object first = args.size() > 1 ? args.get(1) : kwargs.getOrDefault("first", false);
        Object blank = args.size() > 2 ? args.get(2) : kwargs.getOrDefault("blank", false);
        String pad = width instanceof Long w ? " ".repeat(w.intValue()) : Values.str(width);
        String[] lines = s.split("\n", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            boolean indentThis = (i > 0 || Values.truthy(first)) && (!lines[i].isEmpty() || Values.truthy(blank));
            out.append(i == 0 ? "" : "\n").append(indentThis ? pad : "").append(lines[i]);
        }
        return out.toString();
    }

    static boolean test(String name, Object v, List<Object> args) {
        switch (name) {
            case "defined":
                return v != Undefined.INSTANCE;
            case "undefined":
                return v == Undefined.INSTANCE;
            case "none":
                return v == null;
            case "boolean":
                return v instanceof Boolean;
            case "true":
                return Boolean.TRUE.equals(v);
            case "false":
                return Boolean.FALSE.equals(v);
            case "string":
                return v instanceof String;
            case "number":
                return v instanceof Long || v instanceof Double;
            case "integer":
                return v instanceof Long;
            case "float":
                return v instanceof Double;
            case "mapping":
                return v instanceof Map<?, ?>;
            case "iterable":
                return v instanceof List<?> || v instanceof String;
            case "sequence":
                return v instanceof List<?> || v instanceof Map<?, ?> || v instanceof String;
            case "callable":
                return v instanceof JinjaFunction;
            case "odd":
            case "even": {
                if (!(v instanceof Long l)) {
                    throw new TemplateException("cannot test " + name + " on " + Values.typeName(v));
                }
                return (l % 2 != 0) == name.equals("odd");
            }
            case "lower":
                return v instanceof String s && s.equals(s.toLowerCase(Locale.ROOT));
            case "upper":
                return v instanceof String s && s.equals(s.toUpperCase(Locale.ROOT));
            case "eq":
            case "equalto":
            case "sameas":
                return !args.isEmpty() && Values.strictEquals(v, args.get(0));
            case "in":
                return !args.isEmpty() && Boolean.TRUE.equals(Operators.apply("in", v, args.get(0)));
            default:
                throw new TemplateException("unknown test '" + name + "'");
        }
    }

    /** {@code namespace(a=1, …)}. */
    static Object namespace(List<Object> args, Map<String, Object> kwargs) {
        Namespace ns = new Namespace();
        if (!args.isEmpty() && args.get(0) instanceof Map<?, ?> m) {
            m.forEach((k, v) -> ns.attributes.put(String.valueOf(k), v));
        }
        ns.attributes.putAll(kwargs);
        return ns;
    }

    /** {@code range(stop)}, {@code range(start, stop[, step])}. */
    static Object range(List<Object> args, Map<String, Object> kwargs) {
        if (args.isEmpty() || args.size() > 3) {
            throw new TemplateException("range() takes 1 to 3 integers");
        }
        long start = args.size() == 1 ? 0 : asLong(args.get(0), "range start");
        long stop = asLong(args.get(args.size() == 1 ? 0 : 1), "range stop");
        long step = args.size() == 3 ? asLong(args.get(2), "range step") : 1;
        if (step == 0) {
            throw new TemplateException("range() step must not be zero");
        }
        List<Object> out = new ArrayList<>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
            if (out.size() >= 1_000_000) {
                throw new TemplateException("range() longer than 1 000 000 items");
            }
            out.add(i);
        }
        return out;
    }
}
