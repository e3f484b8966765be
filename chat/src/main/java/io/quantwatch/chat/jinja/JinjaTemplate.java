package io.quantwatch.chat.jinja;

import java.util.List;
import java.util.Map;

/**
 * A chat template, parsed once and rendered many times, the way {@code @huggingface/jinja} (the renderer transformers.js
 * applies chat templates with) renders it. Thread-safe: rendering keeps its state per call.
 *
 * <p>Written here rather than taken from a library: Jinjava 2.8.2, the maintained Java Jinja, cannot render these
 * templates (measured: no {@code {{-}, no {@code [::-1]}, no {@code str.startswith}, {@code split} returns a Java array,
 * compact {@code tojson}); the subset chat templates use is small and is checked against the reference renderer.
 */
public final class JinjaTemplate {
    private final List<Node> body;

    private JinjaTemplate(List<Node> body) {
        this.body = body;
    }

    /** Parses {@code source}; a syntax error is a {@link TemplateException} saying where. */
    public static JinjaTemplate parse(String source) {
        return new JinjaTemplate(Parser.parse(Lexer.tokenize(source)));
    }

    /**
     * Renders with {@code variables} (plain Java data: maps, lists, strings, numbers, booleans, null) and the globals
     * {@code namespace}, {@code range}, {@code raise_exception}, {@code strftime_now} ({@code now} formats the time the
     * template treats as the present: the request's time, so a rendering can be repeated).
     */
    public String render(Map<String, ?> variables, java.time.ZonedDateTime now) {
        Interpreter.Scope globals = new Interpreter.Scope(null);
        globals.set("namespace", (JinjaFunction) Builtins::namespace);
        globals.set("range", (JinjaFunction) Builtins::range);
        globals.set("raise_exception", (JinjaFunction) (args, kwargs) -> {
            throw new TemplateException(args.isEmpty() ? "raise_exception()" : Values.str(args.get(0)), true);
        });
        globals.set("strftime_now", (JinjaFunction)
                (args, kwargs) -> Strftime.format(now, args.isEmpty() ? "" : Values.str(args.get(0))));
        Interpreter.Scope scope = new Interpreter.Scope(globals);
        variables.forEach((name, value) -> scope.set(name, Values.of(value)));
        try {
            return new Interpreter().render(body, scope);
        } catch (StackOverflowError e) {
            throw new TemplateException("the template nests too deeply to render");
        }
    }
}
