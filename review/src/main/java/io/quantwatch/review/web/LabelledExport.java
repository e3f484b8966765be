package io.quantwatch.review.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.javalin.http.Context;
import io.quantwatch.review.store.ReviewedSample;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Labelled samples as JSON Lines or CSV (Jackson's writers: quoting and escaping are theirs), for training sets. */
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
            "labelled_at");

    private LabelledExport() {}

    static void jsonl(List<ReviewedSample> samples, Context ctx) throws IOException {
        ctx.contentType("application/x-ndjson; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"quantwatch-labels.jsonl\"");
        ObjectMapper json = new ObjectMapper();
        OutputStream out = ctx.outputStream();
        for (ReviewedSample s : samples) {
            if (s.review() != null) {
                out.write(json.writeValueAsBytes(row(s)));
                out.write('\n');
            }
        }
    }

    static void csv(List<ReviewedSample> samples, Context ctx) throws IOException {
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"quantwatch-labels.csv\"");
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        COLUMNS.forEach(schema::addColumn);
        var writer = new CsvMapper().writer(schema.build());
        List<Map<String, Object>> rows = samples.stream()
                .filter(s -> s.review() != null)
                .map(LabelledExport::row)
                .toList();
        ctx.outputStream().write(writer.writeValueAsString(rows).getBytes(StandardCharsets.UTF_8));
    }

    /** The API's whole-sample shape, with its two times as ISO-8601 for people and spreadsheets. */
    static Map<String, Object> row(ReviewedSample r) {
        Map<String, Object> m = new LinkedHashMap<>(SampleJson.full(r));
        m.put("window_end", r.sample().windowEnd().toString());
        m.put("labelled_at", r.review().at().toString());
        return m;
    }
}
