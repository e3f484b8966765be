package io.quantwatch.review.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.javalin.http.Context;
import io.quantwatch.review.store.ReviewStore;
import io.quantwatch.review.store.ReviewedSample;
import io.quantwatch.review.store.SampleFilter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Labelled samples as JSON Lines or CSV (Jackson's writers: quoting and escaping are theirs), streamed from the
 * database one sample at a time (an export of gigabytes runs in a small heap), for training sets, each
 * with every label it was given ({@code history}). CSV cells that a spreadsheet would run as a formula ({@code =},
 * {@code +}, {@code -}, {@code @}, tab, carriage return first) are prefixed with {@code '}: model outputs are hostile.
 */
final class LabelledExport {
    /** The columns, in {@link SampleJson#full} order. */
    private static final List<String> COLUMNS = List.of(
            "id",
            "request_id",
            "model",
            "candidate",
            "task",
            "tenant",
            "window_end",
            "badness",
            "first_divergent_token",
            "mean_kl",
            "json_failure",
            "redacted",
            "label",
            "reviewer",
            "reference_text",
            "candidate_text",
            "common_prefix_chars",
            "note",
            "labelled_at",
            "history");

    private LabelledExport() {}

    static void jsonl(ReviewStore store, SampleFilter filter, Context ctx) throws IOException {
        ctx.contentType("application/x-ndjson; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"quantwatch-labels.jsonl\"");
        ObjectMapper json = new ObjectMapper();
        OutputStream out = ctx.outputStream();
        store.exportLabelled(filter, (sample, history) -> {
            Map<String, Object> row = row(sample);
            row.put("history", SampleJson.history(history));
            out.write(json.writeValueAsBytes(row));
            out.write('\n');
        });
    }

    static void csv(ReviewStore store, SampleFilter filter, Context ctx) throws IOException {
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"quantwatch-labels.csv\"");
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        COLUMNS.forEach(schema::addColumn);
        try (SequenceWriter rows = new CsvMapper()
                .writer(schema.build())
                .writeValues(new java.io.OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8))) {
            store.exportLabelled(filter, (sample, history) -> {
                Map<String, Object> row = row(sample);
                row.put("history", historyCell(history));
                row.replaceAll((k, v) -> v instanceof String text ? neutralised(text) : v);
                rows.write(row);
            });
        }
    }

    /** The API's whole-sample shape, with its two times as ISO-8601 for people and spreadsheets. */
    static Map<String, Object> row(ReviewedSample r) {
        Map<String, Object> m = new LinkedHashMap<>(SampleJson.full(r));
        m.put("window_end", r.sample().windowEnd().toString());
        m.put("labelled_at", r.review().at().toString());
        return m;
    }

    /** The history in one cell: {@code label by reviewer at time: note}, oldest first, separated by {@code " | "}. */
    private static String historyCell(List<io.quantwatch.review.store.Review> reviews) {
        return String.join(
                " | ",
                reviews.stream()
                        .map(r -> r.label().wire() + " by " + r.reviewer() + " at " + r.at()
                                + (r.note().isEmpty() ? "" : ": " + r.note()))
                        .toList());
    }

    /** A cell a spreadsheet would evaluate as a formula, made plain text. */
    static String neutralised(String cell) {
        if (!cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0) {
            return "'" + cell;
        }
        return cell;
    }
}
