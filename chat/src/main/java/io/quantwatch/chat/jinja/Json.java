package io.quantwatch.chat.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code tojson} filter (and how lists and maps print) as the reference renderer writes JSON: Python's default
 * separators ({@code ", "} and {@code ": "}; {@code ","} between items when indenting), strings escaped as
 * {@code JSON.stringify} escapes them, non-ASCII kept unless {@code ensure_ascii}, floats in JavaScript's form.
 */
final class Json {
    private Json() {}

    static String write(Object v, Integer indent, boolean ensureAscii) {
        return write(v, indent, ensureAscii, null, false);
    }

    static String write(Object v, Integer indent, boolean ensureAscii, List<String> separators, boolean sortKeys) {
        StringBuilder out = new StringBuilder();
        String item = separators != null ? separators.get(0) : indent != null && indent > 0 ? "," : ", ";
        String key = separators != null ? separators.get(1) : ": ";
        write(out, v, indent != null && indent > 0 ? " ".repeat(indent) : "", 0, ensureAscii, item, key, sortKeys);
        return out.toString();
    }

    private static void write(
            StringBuilder out,
            Object v,
            String indent,
            int depth,
            boolean ascii,
            String itemSep,
            String keySep,
            boolean sortKeys) {
        if (v == null || v == Undefined.INSTANCE) {
            out.append("null");
        } else if (v instanceof String s) {
            string(out, s, ascii);
        } else if (v instanceof Double d) {
            out.append(Double.isFinite(d) ? Values.jsNumber(d) : "null");
        } else if (v instanceof Long || v instanceof Boolean) {
            out.append(v);
        } else if (v instanceof Tuple) {
            throw new TemplateException("cannot convert a tuple to JSON");
        } else if (v instanceof List<?> list) {
            if (list.isEmpty()) {
                out.append("[]");
                return;
            }
            String pad = indent.isEmpty() ? "" : "\n" + indent.repeat(depth + 1);
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : itemSep).append(pad);
                write(out, list.get(i), indent, depth + 1, ascii, itemSep, keySep, sortKeys);
            }
            out.append(indent.isEmpty() ? "" : "\n" + indent.repeat(depth)).append(']');
        } else if (v instanceof Map<?, ?> || v instanceof Namespace) {
            Map<?, ?> map = v instanceof Namespace ns ? ns.attributes : (Map<?, ?>) v;
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
            if (sortKeys) {
                entries.sort((a, b) -> String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey())));
            }
            String pad = indent.isEmpty() ? "" : "\n" + indent.repeat(depth + 1);
            out.append('{');
            for (int i = 0; i < entries.size(); i++) {
                out.append(i == 0 ? "" : itemSep).append(pad);
                string(out, String.valueOf(entries.get(i).getKey()), ascii);
                out.append(keySep);
                write(out, entries.get(i).getValue(), indent, depth + 1, ascii, itemSep, keySep, sortKeys);
            }
            out.append(indent.isEmpty() ? "" : "\n" + indent.repeat(depth)).append('}');
        } else {
            throw new TemplateException("cannot convert a " + Values.typeName(v) + " to JSON");
        }
    }

    /** A string as JSON.stringify writes it (lone surrogates escaped), optionally with everything past ASCII escaped. */
    private static void string(StringBuilder out, String s, boolean ascii) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    boolean lone = Character.isSurrogate(c)
                            && !(Character.isHighSurrogate(c)
                                    && i + 1 < s.length()
                                    && Character.isLowSurrogate(s.charAt(i + 1)))
                            && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)));
                    if (c < 0x20 || lone || (ascii && c >= 0x7f)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
