package io.quantwatch.chat.jinja;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What template values are and how they print, compare and serialize, as the reference renderer defines them: strings,
 * {@code Long} integers, {@code Double} floats, booleans, {@code null} (none), {@link Undefined}, lists, insertion-ordered
 * maps, namespaces and functions. Floats print with a {@code .0} when whole; booleans print {@code true}/{@code false}.
 */
final class Values {
    private Values() {}

    /** Converts plain Java data (Jackson's trees, maps, lists, boxed numbers) into template values. */
    static Object of(Object v) {
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) <= 9.007199254740991E15) {
            return d.longValue(); // JavaScript has one number type: a whole 1.0 arrives as the integer 1
        }
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof java.math.BigInteger b) {
            return b.longValue();
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), of(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(of(x)));
            return out;
        }
        return v;
    }

    static boolean truthy(Object v) {
        if (v == null || v == Undefined.INSTANCE) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Long l) {
            return l != 0;
        }
        if (v instanceof Double d) {
            return d != 0 && !d.isNaN();
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof List<?> l) {
            return !l.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    /** How {@code {{ v }}} prints a value (none and undefined print nothing; the caller skips them). */
    static String str(Object v) {
        if (v == null) {
            return "null";
        }
        if (v == Undefined.INSTANCE) {
            return "undefined";
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Double d) {
            if (d == 0 && 1 / d < 0) {
                return "-0.0";
            }
            return d % 1 == 0 && !d.isInfinite() ? wholeFloat(d) : jsNumber(d);
        }
        if (v instanceof List<?> || v instanceof Map<?, ?> || v instanceof Namespace) {
            return Json.write(v, null, false);
        }
        return String.valueOf(v);
    }

    /**
     * A value as {@code ~} and string {@code +} see it: the reference concatenates the underlying JavaScript values, so
     * a whole float is {@code 3} (not {@code 3.0}), a list is its items joined by commas without brackets, a map is
     * {@code [object Map]}, a none inside a list {@code undefined}.
     */
    static String concatString(Object v) {
        if (v instanceof Double d) {
            return jsNumber(d);
        }
        if (v instanceof List<?> l) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < l.size(); i++) {
                // The reference's none inside a list holds JavaScript's undefined, and prints so.
                Object item = l.get(i);
                out.append(i == 0 ? "" : ",").append(item == null ? "undefined" : str(item));
            }
            return out.toString();
        }
        if (v instanceof Map<?, ?> || v instanceof Namespace) {
            return "[object Map]";
        }
        return str(v);
    }

    private static String wholeFloat(double d) {
        return Math.abs(d) < 1e21 ? new BigDecimal(d).toPlainString() + ".0" : jsNumber(d);
    }

    /** JavaScript's Number#toString: plain digits between 1e-7 and 1e21, exponent form outside. */
    static String jsNumber(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e21) {
            return new BigDecimal(d).toPlainString();
        }
        BigDecimal shortest = new BigDecimal(Double.toString(d));
        double a = Math.abs(d);
        if (a >= 1e-7 && a < 1e21) {
            return shortest.stripTrailingZeros().toPlainString();
        }
        String digits = shortest.unscaledValue().abs().toString().replaceAll("0+$", "");
        int exponent = shortest.precision() - shortest.scale() - 1;
        String mantissa = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
        return (d < 0 ? "-" : "") + mantissa + "e" + (exponent >= 0 ? "+" : "") + exponent;
    }

    /** {@code ==} as the reference evaluates it (JavaScript's loose equality of the underlying values). */
    static boolean looseEquals(Object a, Object b) {
        boolean aNone = a == null || a == Undefined.INSTANCE;
        boolean bNone = b == null || b == Undefined.INSTANCE;
        if (aNone || bNone) {
            return aNone && bNone;
        }
        if (isNumeric(a) && isNumeric(b)) {
            return number(a) == number(b);
        }
        if (a instanceof String s && isNumeric(b)) {
            return numericText(s, number(b));
        }
        if (b instanceof String s && isNumeric(a)) {
            return numericText(s, number(a));
        }
        if (a instanceof String || a instanceof Boolean) {
            return a.equals(b);
        }
        return a == b; // lists, maps and functions compare by identity, as JavaScript objects do
    }

    /** {@code x in list} compares with JavaScript's strict equality. */
    static boolean strictEquals(Object a, Object b) {
        if (a instanceof Long || a instanceof Double) {
            return (b instanceof Long || b instanceof Double) && number(a) == number(b);
        }
        if (a instanceof String || a instanceof Boolean) {
            return a.equals(b);
        }
        return a == b;
    }

    private static boolean numericText(String s, double n) {
        String t = Whitespace.strip(s);
        if (t.isEmpty()) {
            return n == 0;
        }
        try {
            return Double.parseDouble(t) == n;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static boolean isNumeric(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    static double number(Object v) {
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return ((Number) v).doubleValue();
    }

    static String typeName(Object v) {
        if (v == null) {
            return "none";
        }
        if (v == Undefined.INSTANCE) {
            return "undefined";
        }
        if (v instanceof Map<?, ?>) {
            return "object";
        }
        if (v instanceof List<?>) {
            return "list";
        }
        return v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }
}
