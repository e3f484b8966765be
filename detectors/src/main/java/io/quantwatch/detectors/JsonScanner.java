package io.quantwatch.detectors;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * A strict RFC 8259 scanner that reports where and why a JSON value stopped: complete, cut off in a given state
 * (inside a string, an escape, a number, a literal, after a key…), or broken by a given problem at a given index.
 *
 * <p>Written by hand rather than read from Jackson's exception messages: classifying a model's broken output needs
 * the parser's state at the stop (Jackson exposes it only as message text, which changes between versions), and
 * the nesting stack is an array, so depth costs a byte per level and no recursion. Strings are Java strings (UTF-16);
 * an unpaired surrogate is accepted as a character like any other. Not thread-safe; create one per use.
 */
final class JsonScanner {

    /** How the scan ended. */
    enum Stop {
        /** A whole value was read; {@link Scan#position()} is the index just after it. */
        COMPLETE,
        /** The input ended inside the value. */
        ENDED,
        /** A character JSON does not allow there; {@link Scan#position()} is its index. */
        ERROR
    }

    /** What the scanner was in the middle of, or expecting, when it stopped. */
    enum Where {
        VALUE("before a value"),
        FIRST_VALUE_OR_END("after an opening bracket"),
        FIRST_KEY_OR_END("after an opening brace"),
        KEY("after a comma"),
        COLON("after a key"),
        COMMA_OR_END("after a value"),
        STRING("inside a string"),
        KEY_STRING("inside a key"),
        ESCAPE("inside an escape"),
        UNICODE_ESCAPE("inside a \\u escape"),
        NUMBER("inside a number"),
        LITERAL("inside true/false/null");

        private final String description;

        Where(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }
    }

    /** Why an {@link Stop#ERROR} scan stopped. */
    enum Problem {
        NONE,
        TRAILING_COMMA,
        MISMATCHED_CLOSER,
        BAD_ESCAPE,
        CONTROL_CHARACTER,
        DUPLICATE_KEY,
        BAD_NUMBER,
        BAD_LITERAL,
        UNEXPECTED_CHARACTER
    }

    /**
     * @param tokens tokens read before the stop (brackets, keys, colons, commas, values): a bracket in prose stops
     *               after 1, a JSON attempt gets further
     * @param depth  open containers at the stop
     * @param scalar the value read is a top-level string, number or literal
     */
    record Scan(
            int start, Stop stop, int position, Where where, Problem problem, int depth, int tokens, boolean scalar) {}

    private final String s;
    private final int n;
    private byte[] stack = new byte[16];
    /** Per open object: null, its one key (a String), or a HashSet of its keys. */
    private Object[] keys = new Object[16];

    private int depth;
    private int tokens;

    JsonScanner(String s) {
        this.s = s;
        this.n = s.length();
    }

    /** Scans one JSON value starting at {@code start} (whitespace before it allowed). */
    Scan scan(int start) {
        depth = 0;
        tokens = 0;
        Where expect = Where.VALUE;
        boolean afterComma = false;
        int i = start;
        while (i < n) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                i++;
                continue;
            }
            switch (expect) {
                case VALUE, FIRST_VALUE_OR_END -> {
                    if (c == ']' && expect == Where.FIRST_VALUE_OR_END) {
                        i++;
                        if (pop() == 0) {
                            return complete(start, i, false);
                        }
                        expect = Where.COMMA_OR_END;
                    } else if (c == '{' || c == '[') {
                        push(c);
                        tokens++;
                        i++;
                        expect = c == '{' ? Where.FIRST_KEY_OR_END : Where.FIRST_VALUE_OR_END;
                    } else if (c == '}' || c == ']') {
                        return error(
                                start, i, expect, afterComma ? Problem.TRAILING_COMMA : Problem.UNEXPECTED_CHARACTER);
                    } else {
                        int end = scalar(start, i);
                        if (end < 0) {
                            return last;
                        }
                        tokens++;
                        i = end;
                        if (depth == 0) {
                            return complete(start, i, true);
                        }
                        expect = Where.COMMA_OR_END;
                    }
                    afterComma = false;
                }
                case FIRST_KEY_OR_END, KEY -> {
                    if (c == '"') {
                        int end = string(start, i, true);
                        if (end < 0) {
                            return last;
                        }
                        if (!addKey(i, end)) {
                            return error(start, i, Where.KEY, Problem.DUPLICATE_KEY);
                        }
                        tokens++;
                        i = end;
                        expect = Where.COLON;
                    } else if (c == '}' && expect == Where.FIRST_KEY_OR_END) {
                        i++;
                        if (pop() == 0) {
                            return complete(start, i, false);
                        }
                        expect = Where.COMMA_OR_END;
                    } else {
                        return error(
                                start,
                                i,
                                expect,
                                (c == '}' || c == ']') && expect == Where.KEY
                                        ? Problem.TRAILING_COMMA
                                        : Problem.UNEXPECTED_CHARACTER);
                    }
                }
                case COLON -> {
                    if (c != ':') {
                        return error(start, i, expect, Problem.UNEXPECTED_CHARACTER);
                    }
                    tokens++;
                    i++;
                    expect = Where.VALUE;
                }
                case COMMA_OR_END -> {
                    byte open = stack[depth - 1];
                    if (c == ',') {
                        tokens++;
                        i++;
                        expect = open == '{' ? Where.KEY : Where.VALUE;
                        afterComma = true;
                    } else if ((c == '}' && open == '{') || (c == ']' && open == '[')) {
                        tokens++;
                        i++;
                        if (pop() == 0) {
                            return complete(start, i, false);
                        }
                    } else {
                        return error(
                                start,
                                i,
                                expect,
                                c == '}' || c == ']' ? Problem.MISMATCHED_CLOSER : Problem.UNEXPECTED_CHARACTER);
                    }
                }
                default -> throw new IllegalStateException("not a structural state: " + expect);
            }
        }
        return new Scan(start, Stop.ENDED, n, expect, Problem.NONE, depth, tokens, false);
    }

    /** The scan that ended inside a string, number or literal (set by those readers when they return −1). */
    private Scan last;

    private Scan complete(int start, int end, boolean scalar) {
        return new Scan(start, Stop.COMPLETE, end, Where.COMMA_OR_END, Problem.NONE, 0, tokens, scalar && tokens == 1);
    }

    private Scan error(int start, int at, Where where, Problem problem) {
        return new Scan(start, Stop.ERROR, at, where, problem, depth, tokens, false);
    }

    private int stop(int start, Stop stop, int at, Where where, Problem problem) {
        last = new Scan(start, stop, at, where, problem, depth, tokens, false);
        return -1;
    }

    /** Reads a string, number or literal at {@code i}; its end, or −1 with {@link #last} set. */
    private int scalar(int start, int i) {
        char c = s.charAt(i);
        if (c == '"') {
            return string(start, i, false);
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return number(start, i);
        }
        String word = c == 't' ? "true" : c == 'f' ? "false" : c == 'n' ? "null" : null;
        if (word == null) {
            return stop(start, Stop.ERROR, i, Where.VALUE, Problem.UNEXPECTED_CHARACTER);
        }
        for (int k = 1; k < word.length(); k++) {
            if (i + k >= n) {
                return stop(start, Stop.ENDED, n, Where.LITERAL, Problem.NONE);
            }
            if (s.charAt(i + k) != word.charAt(k)) {
                return stop(start, Stop.ERROR, i + k, Where.LITERAL, Problem.BAD_LITERAL);
            }
        }
        return i + word.length();
    }

    private int string(int start, int i, boolean key) {
        Where in = key ? Where.KEY_STRING : Where.STRING;
        int j = i + 1;
        while (j < n) {
            char c = s.charAt(j);
            if (c == '"') {
                return j + 1;
            }
            if (c == '\\') {
                if (j + 1 >= n) {
                    return stop(start, Stop.ENDED, n, Where.ESCAPE, Problem.NONE);
                }
                char e = s.charAt(j + 1);
                if (e == 'u') {
                    for (int k = 2; k < 6; k++) {
                        if (j + k >= n) {
                            return stop(start, Stop.ENDED, n, Where.UNICODE_ESCAPE, Problem.NONE);
                        }
                        if (Character.digit(s.charAt(j + k), 16) < 0) {
                            return stop(start, Stop.ERROR, j, in, Problem.BAD_ESCAPE);
                        }
                    }
                    j += 6;
                } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r'
                        || e == 't') {
                    j += 2;
                } else {
                    return stop(start, Stop.ERROR, j, in, Problem.BAD_ESCAPE);
                }
            } else if (c < 0x20) {
                return stop(start, Stop.ERROR, j, in, Problem.CONTROL_CHARACTER);
            } else {
                j++;
            }
        }
        return stop(start, Stop.ENDED, n, in, Problem.NONE);
    }

    /** {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}; a number the input cuts short has ENDED. */
    private int number(int start, int i) {
        int j = i;
        if (s.charAt(j) == '-') {
            j++;
        }
        int digits = digits(j);
        if (digits == 0) {
            return j >= n
                    ? stop(start, Stop.ENDED, n, Where.NUMBER, Problem.NONE)
                    : stop(start, Stop.ERROR, j, Where.NUMBER, Problem.BAD_NUMBER);
        }
        j += s.charAt(j) == '0'
                ? 1
                : digits; // a leading zero is the whole integer part; a digit after it is an error later
        if (j < n && s.charAt(j) == '.') {
            j++;
            int fraction = digits(j);
            if (fraction == 0) {
                return j >= n
                        ? stop(start, Stop.ENDED, n, Where.NUMBER, Problem.NONE)
                        : stop(start, Stop.ERROR, j, Where.NUMBER, Problem.BAD_NUMBER);
            }
            j += fraction;
        }
        if (j < n && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
            j++;
            if (j < n && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
                j++;
            }
            int exponent = digits(j);
            if (exponent == 0) {
                return j >= n
                        ? stop(start, Stop.ENDED, n, Where.NUMBER, Problem.NONE)
                        : stop(start, Stop.ERROR, j, Where.NUMBER, Problem.BAD_NUMBER);
            }
            j += exponent;
        }
        return j;
    }

    private int digits(int from) {
        int j = from;
        while (j < n && s.charAt(j) >= '0' && s.charAt(j) <= '9') {
            j++;
        }
        return j - from;
    }

    private void push(char open) {
        if (depth == stack.length) {
            stack = Arrays.copyOf(stack, depth * 2);
            keys = Arrays.copyOf(keys, depth * 2);
        }
        stack[depth] = (byte) open;
        keys[depth] = null;
        depth++;
    }

    private int pop() {
        keys[--depth] = null;
        return depth;
    }

    /** Records the key spanning {@code [from, to)} (quotes included) in the innermost object; false if it is there already. */
    @SuppressWarnings("unchecked")
    private boolean addKey(int from, int to) {
        String key = unescape(from + 1, to - 1);
        Object seen = keys[depth - 1];
        if (seen == null) {
            keys[depth - 1] = key;
            return true;
        }
        if (seen instanceof String one) {
            if (one.equals(key)) {
                return false;
            }
            Set<String> set = new HashSet<>();
            set.add(one);
            set.add(key);
            keys[depth - 1] = set;
            return true;
        }
        return ((Set<String>) seen).add(key);
    }

    /** The text of an already validated string body; escapes decoded so that "a" and "\u0061" are the same key. */
    private String unescape(int from, int to) {
        int slash = s.indexOf('\\', from);
        if (slash < 0 || slash >= to) {
            return s.substring(from, to);
        }
        StringBuilder b = new StringBuilder(to - from);
        for (int j = from; j < to; j++) {
            char c = s.charAt(j);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = s.charAt(++j);
            switch (e) {
                case 'u' -> {
                    b.append((char) Integer.parseInt(s, j + 1, j + 5, 16));
                    j += 4;
                }
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                default -> b.append(e);
            }
        }
        return b.toString();
    }
}
