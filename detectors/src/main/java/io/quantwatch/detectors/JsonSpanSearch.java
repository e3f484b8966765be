package io.quantwatch.detectors;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the JSON document in a model's output by trying each plausible start ({@code {} or {@code [}) with the
 * {@link JsonScanner} and keeping the most complete one, so brackets in prose ({@code the [get_weather] tool},
 * a think block, a markdown link) are not taken for the document. Work is bounded: starts inside a region an
 * earlier scan already read are skipped, and at most {@link #MAX_STARTS} starts are tried.
 */
final class JsonSpanSearch {
    static final int MAX_STARTS = 64;

    /** The chosen document's scan. */
    record Found(JsonScanner.Scan scan) {}

    private JsonSpanSearch() {}

    /**
     * The document, or null when nothing looks like JSON: no bracket at all, or only brackets in prose (each fails
     * on its first token) after some text. A failed attempt at the very start of the text is still the document.
     */
    static Found find(String text) {
        JsonScanner scanner = new JsonScanner(text);
        List<JsonScanner.Scan> scans = new ArrayList<>();
        int readUntil = 0;
        while (scans.size() < MAX_STARTS) {
            // Every scan reads at least its opening bracket, so the next start is always past this one.
            int start = nextBracket(text, readUntil);
            if (start < 0) {
                break;
            }
            JsonScanner.Scan scan = scanner.scan(start);
            scans.add(scan);
            readUntil = Math.max(readUntil, scan.position());
        }
        if (scans.isEmpty()) {
            return null;
        }
        JsonScanner.Scan chosen = null;
        int chosenExtent = -1;
        for (JsonScanner.Scan s : scans) {
            if (!jsonLike(s)) {
                continue;
            }
            if (chosen == null) {
                chosen = s;
                chosenExtent = -1;
            } else if (s.stop() == JsonScanner.Stop.COMPLETE) {
                if (chosen.stop() == JsonScanner.Stop.COMPLETE) {
                    // Two whole documents (a think block's, the answer's): the longer, the later on a tie.
                    if (s.position() - s.start() >= chosen.position() - chosen.start()) {
                        chosen = s;
                    }
                } else if (chosen.stop() == JsonScanner.Stop.ERROR) {
                    chosenExtent = chosenExtent < 0 ? bracketExtent(text, chosen.start()) : chosenExtent;
                    if (s.start() >= chosenExtent) {
                        // The failed attempt closed its brackets before this document began: it was prose, this is the
                        // answer.
                        chosen = s;
                    }
                }
            }
        }
        if (chosen == null) {
            JsonScanner.Scan first = scans.get(0);
            return CodeFence.stripOpening(text.substring(0, first.start())).isBlank() ? new Found(first) : null;
        }
        return new Found(chosen);
    }

    /** A whole document, one cut off, or an attempt that got past its first token (prose brackets do not). */
    private static boolean jsonLike(JsonScanner.Scan s) {
        return s.stop() != JsonScanner.Stop.ERROR || s.tokens() >= 2;
    }

    private static int nextBracket(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' || c == '[') {
                return i;
            }
        }
        return -1;
    }

    /** Where the brackets opened at {@code start} balance again, strings skipped; the text's end if they never do. */
    static int bracketExtent(String s, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                return i + 1;
            }
        }
        return s.length();
    }
}
