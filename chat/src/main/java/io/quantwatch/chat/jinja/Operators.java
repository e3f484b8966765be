package io.quantwatch.chat.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Binary operators with the reference renderer's rules: integer arithmetic stays integer, {@code /} is always a float,
 * {@code +} concatenates when either side is a string (and lists with lists), {@code ~} concatenates anything (undefined
 * as empty), {@code in} looks into strings, lists (strict equality) and map keys, {@code ==} is loose.
 */
final class Operators {
    private Operators() {}

    static Object apply(String op, Object left, Object right) {
        switch (op) {
            case "==":
                return Values.looseEquals(left, right);
            case "!=":
                return !Values.looseEquals(left, right);
            default:
                break;
        }
        boolean leftNum = left instanceof Long || left instanceof Double;
        boolean rightNum = right instanceof Long || right instanceof Double;
        if (leftNum && rightNum && !op.equals("~") && !op.equals("**")) {
            return arithmetic(op, left, right);
        }
        boolean undefined = left == Undefined.INSTANCE || right == Undefined.INSTANCE;
        if (undefined) {
            if (right == Undefined.INSTANCE && (op.equals("in") || op.equals("not in"))) {
                return op.equals("not in");
            }
            if (op.equals("~") && left != null && right != null) {
                return (left == Undefined.INSTANCE ? "" : Values.concatString(left))
                        + (right == Undefined.INSTANCE ? "" : Values.concatString(right));
            }
            throw new TemplateException("cannot apply " + op + " to an undefined value");
        }
        if (left == null || right == null) {
            throw new TemplateException("cannot apply " + op + " to none");
        }
        if (op.equals("~")) {
            return Values.concatString(left) + Values.concatString(right);
        }
        if (op.equals("**") && Values.isNumeric(left) && Values.isNumeric(right)) {
            double a = Values.number(left);
            double b = Values.number(right);
            double r = Math.pow(a, b);
            if (!Double.isFinite(r)) {
                throw new TemplateException("exponentiation result is not a finite real number");
            }
            return left instanceof Double || right instanceof Double || b < 0 ? (Object) r : (Object) (long) r;
        }
        if (left instanceof List<?> l && right instanceof List<?> r && op.equals("+")) {
            List<Object> out = new ArrayList<>(l);
            out.addAll(r);
            return out;
        }
        if (right instanceof List<?> r && (op.equals("in") || op.equals("not in"))) {
            boolean member = r.stream().anyMatch(x -> Values.strictEquals(x, left));
            return op.equals("in") == member;
        }
        if ((left instanceof String || right instanceof String) && op.equals("+")) {
            return Values.concatString(left) + Values.concatString(right);
        }
        if (left instanceof String a && right instanceof String b) {
            switch (op) {
                case "in":
                    return b.contains(a);
                case "not in":
                    return !b.contains(a);
                default:
                    break;
            }
        }
        if (left instanceof String key && right instanceof Map<?, ?> m && (op.equals("in") || op.equals("not in"))) {
            return op.equals("in") == m.containsKey(key);
        }
        throw new TemplateException(
                "unknown operator " + op + " between " + Values.typeName(left) + " and " + Values.typeName(right));
    }

    private static Object arithmetic(String op, Object left, Object right) {
        boolean isFloat = left instanceof Double || right instanceof Double;
        double a = Values.number(left);
        double b = Values.number(right);
        switch (op) {
            case "+":
            case "-":
            case "*": {
                if (!isFloat) {
                    long x = (Long) left;
                    long y = (Long) right;
                    return op.equals("+") ? x + y : op.equals("-") ? x - y : x * y;
                }
                return op.equals("+") ? a + b : op.equals("-") ? a - b : a * b;
            }
            case "/":
                return a / b;
            case "//": {
                double r = Math.floor(a / b);
                return isFloat ? (Object) r : (Object) (long) r;
            }
            case "%": {
                double r = a % b; // JavaScript's remainder: the sign of the dividend
                return isFloat ? (Object) r : (Object) (long) r;
            }
            case "<":
                return a < b;
            case ">":
                return a > b;
            case "<=":
                return a <= b;
            case ">=":
                return a >= b;
            default:
                throw new TemplateException("unknown operator " + op + " between numbers");
        }
    }
}
