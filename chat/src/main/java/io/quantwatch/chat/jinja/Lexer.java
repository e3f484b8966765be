package io.quantwatch.chat.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a chat template into tokens, with the whitespace rules Hugging Face applies to chat templates: one trailing
 * newline dropped, {@code lstrip_blocks} and {@code trim_blocks} on, {@code -} markers stripping whitespace, and the
 * transformers-only {@code {% generation %}} tag removed.
 */
final class Lexer {
    /** Kinds of token. */
    enum Kind {
        TEXT,
        OPEN_STATEMENT,
        CLOSE_STATEMENT,
        OPEN_EXPRESSION,
        CLOSE_EXPRESSION,
        NAME,
        STRING,
        INTEGER,
        FLOAT,
        SYMBOL
    }

    /** One token; {@code text} is the literal's value for strings, the characters otherwise. */
    record Token(Kind kind, String text) {}

    private static final Pattern LSTRIP_BLOCKS = Pattern.compile("(?m)^[ \\t]*(\\{[#%-])");
    private static final Pattern TRIM_BLOCKS = Pattern.compile("([#%-]})\\n");
    private static final Pattern GENERATION = Pattern.compile("\\{%(-?)\\s*(?:end)?generation\\s*(-?)%}(\\s*)");
    private static final List<String> SYMBOLS = List.of(
            "**", "//", "==", "!=", "<=", ">=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", "=", "+", "-", "~",
            "*", "/", "%", "<", ">");

    private final String src;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String template) {
        Lexer lexer = new Lexer(preprocess(template));
        lexer.run();
        return lexer.tokens;
    }

    static String preprocess(String template) {
        String t = template.endsWith("\n") ? template.substring(0, template.length() - 1) : template;
        t = LSTRIP_BLOCKS.matcher(t).replaceAll("$1");
        t = TRIM_BLOCKS.matcher(t).replaceAll("$1");
        Matcher m = GENERATION.matcher(t);
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (m.find()) {
            int end = m.start();
            if (!m.group(1).isEmpty()) {
                while (end > last && Whitespace.is(t.charAt(end - 1))) {
                    end--;
                }
            }
            out.append(t, last, end).append(m.group(2).isEmpty() ? m.group(3) : "");
            last = m.end();
        }
        return out.append(t.substring(last)).toString();
    }

    private void run() {
        int length = src.length();
        while (pos < length) {
            Kind last = tokens.isEmpty() ? null : tokens.get(tokens.size() - 1).kind();
            if (last == null || last == Kind.CLOSE_STATEMENT || last == Kind.CLOSE_EXPRESSION) {
                int end = textEnd(pos);
                if (end > pos) {
                    tokens.add(new Token(Kind.TEXT, src.substring(pos, end)));
                    pos = end;
                    continue;
                }
            }
            if (src.startsWith("{#", pos)) {
                comment();
                continue;
            }
            if (src.startsWith("{%", pos) || src.startsWith("{{", pos)) {
                boolean statement = src.charAt(pos + 1) == '%';
                pos += 2;
                if (pos < length && src.charAt(pos) == '-') {
                    pos++;
                    stripTrailingWhitespaceOfText();
                }
                tokens.add(new Token(statement ? Kind.OPEN_STATEMENT : Kind.OPEN_EXPRESSION, statement ? "{%" : "{{"));
                insideTag(statement);
                continue;
            }
            throw new TemplateException("unexpected character '" + src.charAt(pos) + "' at offset " + pos);
        }
    }

    /** Where the text starting at {@code from} ends: the next {@code {%}, {@code {{} or {@code {#}. */
    private int textEnd(int from) {
        int end = from;
        while (true) {
            end = src.indexOf('{', end);
            if (end < 0) {
                return src.length();
            }
            if (end + 1 < src.length() && "%{#".indexOf(src.charAt(end + 1)) >= 0) {
                return end;
            }
            end++;
        }
    }

    private void comment() {
        int start = pos + 2;
        if (start < src.length() && src.charAt(start) == '-') {
            stripTrailingWhitespaceOfText();
        }
        int close = src.indexOf("#}", start);
        if (close < 0) {
            throw new TemplateException("a comment {# … is never closed with #}");
        }
        pos = close + 2;
        if (close > start && src.charAt(close - 1) == '-') {
            skipWhitespace();
        }
        // The text after a comment is text, as after a tag.
        int end = textEnd(pos);
        if (end > pos) {
            tokens.add(new Token(Kind.TEXT, src.substring(pos, end)));
            pos = end;
        }
    }

    private void insideTag(boolean statement) {
        int depth = 0;
        while (true) {
            skipWhitespace();
            if (pos >= src.length()) {
                throw new TemplateException("a tag is never closed: unexpected end of the template");
            }
            char c = src.charAt(pos);
            String close = statement ? "%}" : "}}";
            if (depth == 0 && c == '-' && src.startsWith(close, pos + 1)) {
                tokens.add(new Token(statement ? Kind.CLOSE_STATEMENT : Kind.CLOSE_EXPRESSION, close));
                pos += 3;
                skipWhitespace();
                return;
            }
            if (depth == 0 && src.startsWith(close, pos)) {
                tokens.add(new Token(statement ? Kind.CLOSE_STATEMENT : Kind.CLOSE_EXPRESSION, close));
                pos += 2;
                return;
            }
            if (c == '\'' || c == '"') {
                pos++;
                tokens.add(new Token(Kind.STRING, string(c)));
                pos++;
                continue;
            }
            if (Character.isDigit(c)) {
                number();
                continue;
            }
            if (Character.isLetter(c) || c == '_') {
                int start = pos;
                while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                    pos++;
                }
                tokens.add(new Token(Kind.NAME, src.substring(start, pos)));
                continue;
            }
            String symbol = null;
            for (String s : SYMBOLS) {
                if (src.startsWith(s, pos)) {
                    symbol = s;
                    break;
                }
            }
            if (symbol == null) {
                throw new TemplateException("unexpected character '" + c + "' at offset " + pos);
            }
            if (symbol.equals("{") || symbol.equals("[") || symbol.equals("(")) {
                depth++;
            } else if (symbol.equals("}") || symbol.equals("]") || symbol.equals(")")) {
                depth--;
            }
            tokens.add(new Token(Kind.SYMBOL, symbol));
            pos += symbol.length();
        }
    }

    private void number() {
        int start = pos;
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
            pos++;
        }
        if (pos + 1 < src.length() && src.charAt(pos) == '.' && Character.isDigit(src.charAt(pos + 1))) {
            pos++;
            while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                pos++;
            }
            tokens.add(new Token(Kind.FLOAT, src.substring(start, pos)));
        } else {
            tokens.add(new Token(Kind.INTEGER, src.substring(start, pos)));
        }
    }

    /** The string literal's value, from after the opening quote to before the closing one (left at pos). */
    private String string(char quote) {
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= src.length()) {
                throw new TemplateException("a string literal is never closed");
            }
            char c = src.charAt(pos);
            if (c == quote) {
                return out.toString();
            }
            pos++;
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= src.length()) {
                throw new TemplateException("a string literal is never closed");
            }
            char e = src.charAt(pos++);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'v' -> out.append('\u000B');
                case '\'' -> out.append('\'');
                case '"' -> out.append('"');
                case '\\' -> out.append('\\');
                case 'x', 'u' -> {
                    int n = e == 'x' ? 2 : 4;
                    if (pos + n > src.length()) {
                        throw new TemplateException("invalid escape \\" + e + " in a string literal");
                    }
                    try {
                        out.append((char) Integer.parseInt(src.substring(pos, pos + n), 16));
                    } catch (NumberFormatException ex) {
                        throw new TemplateException("invalid escape \\" + e + src.substring(pos, pos + n));
                    }
                    pos += n;
                }
                default -> throw new TemplateException("unexpected escaped character: " + e);
            }
        }
    }

    private void stripTrailingWhitespaceOfText() {
        if (!tokens.isEmpty() && tokens.get(tokens.size() - 1).kind() == Kind.TEXT) {
            String t = Whitespace.stripTrailing(tokens.get(tokens.size() - 1).text());
            tokens.remove(tokens.size() - 1);
            if (!t.isEmpty()) {
                tokens.add(new Token(Kind.TEXT, t));
            }
        }
    }

    private void skipWhitespace() {
        while (pos < src.length() && Whitespace.is(src.charAt(pos))) {
            pos++;
        }
    }
}
