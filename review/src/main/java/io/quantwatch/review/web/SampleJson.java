package io.quantwatch.review.web;

import io.quantwatch.review.store.AlertChange;
import io.quantwatch.review.store.Band;
import io.quantwatch.review.store.ReviewedSample;
import io.quantwatch.review.store.WindowPoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The API's JSON shapes: times as epoch milliseconds, NaN as null (JSON has no NaN), texts as plain strings. */
final class SampleJson {
    private static final int PREVIEW_CHARS = 160;

    private SampleJson() {}

    /** A queue row: the figures and a short preview of the candidate's text. */
    static Map<String, Object> summary(ReviewedSample r) {
        var s = r.sample();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("request_id", s.requestId());
        m.put("model", s.model());
        m.put("candidate", s.candidate());
        m.put("task", s.task());
        m.put("tenant", s.tenant());
        m.put("window_end", s.windowEnd().toEpochMilli());
        m.put("badness", number(s.badness()));
        m.put("first_divergent_token", s.firstDivergentToken());
        m.put("mean_kl", number(s.meanKl()));
        m.put("json_failure", s.jsonFailure());
        m.put("redacted", s.redacted());
        m.put("preview", preview(s.candidateText()));
        m.put("label", r.review() == null ? null : r.review().label().wire());
        m.put("reviewer", r.review() == null ? null : r.review().reviewer());
        return m;
    }

    /** One sample whole, with where its texts part (in characters) for the side-by-side view. */
    static Map<String, Object> full(ReviewedSample r) {
        Map<String, Object> m = summary(r);
        m.remove("preview");
        m.put("reference_text", r.sample().referenceText());
        m.put("candidate_text", r.sample().candidateText());
        m.put(
                "common_prefix_chars",
                commonPrefix(r.sample().referenceText(), r.sample().candidateText()));
        m.put("note", r.review() == null ? null : r.review().note());
        m.put("labelled_at", r.review() == null ? null : r.review().at().toEpochMilli());
        return m;
    }

    static Map<String, Object> window(WindowPoint w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", w.model());
        m.put("candidate", w.candidate());
        m.put("task", w.task());
        m.put("tenant", w.tenant());
        m.put("window_start", w.windowStart().toEpochMilli());
        m.put("window_end", w.windowEnd().toEpochMilli());
        m.put("prompts", w.prompts());
        m.put("identical", band(w.identical()));
        m.put("same_top1", band(w.sameTop1()));
        m.put("mean_kl", number(w.meanKl()));
        m.put("kl_p95", number(w.klP95()));
        m.put("json_broken", band(w.jsonBroken()));
        m.put("eos_early", band(w.eosEarly()));
        m.put("eos_late", band(w.eosLate()));
        m.put("verdict", w.verdict());
        return m;
    }

    static Map<String, Object> alert(AlertChange a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule", a.rule());
        m.put("metric", a.metric());
        m.put("state", a.state());
        m.put("model", a.model());
        m.put("candidate", a.candidate());
        m.put("task", a.task());
        m.put("tenant", a.tenant());
        m.put("window_end", a.windowEnd().toEpochMilli());
        m.put("value", number(a.value()));
        m.put("threshold", number(a.threshold()));
        m.put("samples", a.samples());
        return m;
    }

    private static Map<String, Object> band(Band b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", number(b.value()));
        m.put("lower", number(b.lower()));
        m.put("upper", number(b.upper()));
        return m;
    }

    private static Double number(double d) {
        return Double.isNaN(d) || Double.isInfinite(d) ? null : d;
    }

    /** The first characters of a text, whole code points only. */
    static String preview(String text) {
        if (text.length() <= PREVIEW_CHARS) {
            return text;
        }
        int end = PREVIEW_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }

    /** Characters the two texts share from the start, never splitting a surrogate pair. */
    static int commonPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        if (i > 0 && i < n && Character.isHighSurrogate(a.charAt(i - 1))) {
            i--;
        }
        return i;
    }

    /** Every label a sample was given, oldest first (the page shows the last; exports carry them all). */
    static List<Map<String, Object>> history(List<io.quantwatch.review.store.Review> reviews) {
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (var r : reviews) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", r.label().wire());
            m.put("reviewer", r.reviewer());
            m.put("note", r.note());
            m.put("labelled_at", r.at().toString());
            out.add(m);
        }
        return out;
    }
}
