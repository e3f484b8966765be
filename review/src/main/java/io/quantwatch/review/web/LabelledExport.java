package io.quantwatch.review.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.javalin.http.Context;
import io.quantwatch.review.store.ReviewedSample;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Labelled samples as JSON Lines or CSV (Jackson's writers: quoting and escaping are theirs), for training sets. */
final class LabelledExport {
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
            "note",
            "labelled_at",
            "reference_text",
            "candidate_text");

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

    static Map<String, Object> row(ReviewedSample r) {
        var s = r.sample();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("request_id", s.requestId());
        m.put("model", s.model());
        m.put("candidate", s.candidate());
        m.put("task", s.task());
        m.put("tenant", s.tenant());
        m.put("window_end", s.windowEnd().toString());
        m.put("badness", Double.isNaN(s.badness()) ? null : s.badness());
        m.put("first_divergent_token", s.firstDivergentToken());
        m.put("mean_kl", Double.isNaN(s.meanKl()) ? null : s.meanKl());
        m.put("json_failure", s.jsonFailure());
        m.put("redacted", s.redacted());
        m.put("label", r.review().label().wire());
        m.put("reviewer", r.review().reviewer());
        m.put("note", r.review().note());
        m.put(
                "labelled_at",
                Instant.ofEpochMilli(r.review().at().toEpochMilli()).toString());
        m.put("reference_text", s.referenceText());
        m.put("candidate_text", s.candidateText());
        return m;
    }
}
