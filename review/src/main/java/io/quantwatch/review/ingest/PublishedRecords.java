package io.quantwatch.review.ingest;

import io.quantwatch.review.store.AlertChange;
import io.quantwatch.review.store.Band;
import io.quantwatch.review.store.DivergentExample;
import io.quantwatch.review.store.WindowPoint;
import io.quantwatch.schemas.DivergentSample;
import io.quantwatch.schemas.DriftAlert;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.RateStat;

/** The monitor's published Avro records as the review store's domain records: Avro stays at this edge. */
final class PublishedRecords {
    /** Longest text stored per side of a sample: the job cuts to samples.max-chars already; another producer may not. */
    static final int MAX_TEXT_CHARS = 64 * 1024;

    private PublishedRecords() {}

    /** {@code text} cut to {@link #MAX_TEXT_CHARS}, saying how much was left out. */
    static String capped(String text) {
        if (text == null || text.length() <= MAX_TEXT_CHARS) {
            return text;
        }
        return text.substring(0, MAX_TEXT_CHARS) + " […" + (text.length() - MAX_TEXT_CHARS) + " more chars]";
    }

    static DivergentExample sample(DivergentSample s) {
        return new DivergentExample(
                s.getRequestId(),
                s.getModel(),
                s.getCandidate(),
                s.getTask(),
                s.getTenant(),
                s.getWindowEnd(),
                s.getBadness(),
                s.getFirstDivergentToken(),
                s.getMeanKl(),
                s.getCandidateJson().name(),
                s.getRedacted(),
                capped(s.getReferenceText()),
                capped(s.getCandidateText()));
    }

    static WindowPoint window(DriftMetrics m) {
        return new WindowPoint(
                m.getModel(),
                m.getCandidate(),
                m.getTask(),
                m.getTenant(),
                m.getWindowStart(),
                m.getWindowEnd(),
                m.getPrompts(),
                band(m.getIdentical()),
                band(m.getSameTop1()),
                m.getMeanKl(),
                m.getKlP95(),
                band(m.getJsonBroken()),
                band(m.getEosEarly()),
                band(m.getEosLate()),
                m.getVerdict().name());
    }

    static AlertChange alert(DriftAlert a) {
        return new AlertChange(
                a.getRule(),
                a.getMetric(),
                a.getState().name(),
                a.getModel(),
                a.getCandidate(),
                a.getTask(),
                a.getTenant(),
                a.getWindowEnd(),
                a.getValue(),
                a.getLower(),
                a.getUpper(),
                a.getThreshold(),
                a.getSamples());
    }

    private static Band band(RateStat r) {
        return r.getTrials() == 0 ? Band.NONE : new Band(r.getValue(), r.getLower(), r.getUpper());
    }
}
