package io.quantwatch.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.quantwatch.detectors.JsonFailureClassifier;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quantwatch bench json}: the JSON failure classifier's throughput on valid outputs (small tool calls and one
 * large document) beside Jackson's strict streaming parser on the same text, and its time on 1 MB hostile inputs.
 */
@Command(
        name = "json",
        mixinStandardHelpOptions = true,
        description = "JSON failure classifier throughput beside Jackson, and its time on 1 MB hostile outputs.")
public final class JsonBenchCommand implements Callable<Integer> {
    private static final int MB = 1 << 20;
    private static final JsonFactory STRICT = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(1_000_000).build())
            .build();

    @Option(
            names = "--seconds",
            defaultValue = "3",
            description = "Measured seconds per cell, after as much warm-up (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        JsonFailureClassifier classifier = new JsonFailureClassifier();
        String[] small = smallToolCalls(2_000, new Random(7));
        String large = largeDocument(new Random(11));
        out.printf("%-44s %14s %14s %8s%n", "valid input", "classifier MB/s", "Jackson MB/s", "ratio");
        double smallRate = rate(small, s -> classifier.classify(s, false));
        double smallJackson = rate(small, JsonBenchCommand::jackson);
        out.printf(
                "%-44s %14.0f %14.0f %8.2f%n",
                "2 000 tool calls (avg "
                        + Arrays.stream(small).mapToInt(String::length).sum() / small.length + " chars)",
                smallRate,
                smallJackson,
                smallRate / smallJackson);
        double largeRate = rate(new String[] {large}, s -> classifier.classify(s, false));
        double largeJackson = rate(new String[] {large}, JsonBenchCommand::jackson);
        out.printf(
                "%-44s %14.0f %14.0f %8.2f%n",
                "one " + large.length() / 1024 + " KiB document", largeRate, largeJackson, largeRate / largeJackson);

        Map<String, String> hostile = new LinkedHashMap<>();
        hostile.put("1 MB valid document", large);
        hostile.put("1 MB cut in half (EOS)", large.substring(0, large.length() / 2));
        hostile.put("1 MB of '[' (a looping model)", "[".repeat(MB));
        hostile.put("1 MB of prose brackets \"[tool] \"", "[tool] ".repeat(MB / 7));
        hostile.put("1 MB of '{\"a\":x ' (64 failed starts)", "{\"a\":x ".repeat(MB / 7));
        hostile.put("1 MB string of lone surrogates", "{\"s\": \"" + "\uD800".repeat(MB) + "\"}");
        hostile.put("1 MB with prose around it", "Sure! Here it is:\n" + large + "\nAnything else?");
        out.printf("%n%-44s %10s  %s%n", "1 MB input", "ms (best)", "class");
        double worst = 0;
        for (var e : hostile.entrySet()) {
            String text = e.getValue();
            long best = Long.MAX_VALUE;
            String cls = "";
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                cls = classifier.classify(text, false).failure().name();
                best = Math.min(best, System.nanoTime() - t0);
            }
            worst = Math.max(worst, best / 1e6);
            out.printf("%-44s %10.1f  %s%n", e.getKey(), best / 1e6, cls);
        }
        out.println();
        out.println("targets: >= 50 MB/s on valid JSON, a 1 MB input in < 50 ms");
        out.printf(
                "json-classifier: small_mb_per_s=%.0f large_mb_per_s=%.0f jackson_small_mb_per_s=%.0f ratio_small=%.2f one_mb_worst_ms=%.1f%n",
                smallRate, largeRate, smallJackson, smallRate / smallJackson, worst);
        return 0;
    }

    private static Object jackson(String s) {
        try (JsonParser p = STRICT.createParser(s)) {
            int tokens = 0;
            while (p.nextToken() != null) {
                tokens++;
            }
            return tokens;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Characters per second over {@code inputs}, after the same time of warm-up (best of the measured half-seconds). */
    private double rate(String[] inputs, Function<String, Object> work) {
        long chars = Arrays.stream(inputs).mapToLong(String::length).sum();
        long warmEnd = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < warmEnd) {
            for (String s : inputs) {
                work.apply(s);
            }
        }
        double best = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            int passes = 0;
            while (System.nanoTime() - t0 < 500_000_000L) {
                for (String s : inputs) {
                    work.apply(s);
                }
                passes++;
            }
            best = Math.max(best, passes * chars / ((System.nanoTime() - t0) / 1e9) / MB);
        }
        return best;
    }

    private static String[] smallToolCalls(int n, Random r) {
        String[] tools = {"get_weather", "create_ticket", "route", "lookup_order", "send_email"};
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = "{\"name\": \"" + tools[r.nextInt(tools.length)] + "\", \"arguments\": {\"city\": \"Seattle "
                    + r.nextInt(1000)
                    + "\", \"points\": [[" + (r.nextDouble() * 180 - 90) + ", " + (r.nextDouble() * 360 - 180)
                    + "]], \"priority\": "
                    + r.nextInt(5) + ", \"urgent\": " + r.nextBoolean()
                    + ", \"note\": \"Caf\\u00e9 \\\"B\\\" at 9\", \"tags\": [\"a\", \"b\", null]}}";
        }
        return out;
    }

    /** About 1 MB: an array of order records with strings, escapes, numbers, literals and nesting. */
    private static String largeDocument(Random r) {
        StringBuilder b = new StringBuilder(MB + 1024).append('[');
        int i = 0;
        while (b.length() < MB) {
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"order\": \"A-")
                    .append(i)
                    .append("\", \"qty\": ")
                    .append(r.nextInt(100))
                    .append(", \"price\": ")
                    .append(r.nextDouble() * 100)
                    .append(", \"gift\": ")
                    .append(r.nextBoolean())
                    .append(
                            ", \"ship\": {\"city\": \"S\\u00e3o Paulo\", \"lines\": [\"Rua \\\"A\\\" 12\", \"apt 3\"], \"eta\": null}}");
            i++;
        }
        return b.append(']').toString();
    }
}
