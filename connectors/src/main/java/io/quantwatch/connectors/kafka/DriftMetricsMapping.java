package io.quantwatch.connectors.kafka;

import io.quantwatch.detectors.JsonFailure;
import io.quantwatch.detectors.RepetitionDrift;
import io.quantwatch.detectors.alert.Verdict;
import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.detectors.window.Rate;
import io.quantwatch.detectors.window.ShadowCoverage;
import io.quantwatch.detectors.window.WindowKey;
import io.quantwatch.detectors.window.WindowReport;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.RateStat;
import io.quantwatch.schemas.VerdictLevel;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Converts a closed window ({@link WindowReport}) to the Avro {@link DriftMetrics} of the drift-metrics topic, and a
 * record read from the topic back to the {@link DriftSummary} it was built from.
 */
public final class DriftMetricsMapping {
    private DriftMetricsMapping() {}

    /** A closed window as its record on the drift-metrics topic. */
    public static DriftMetrics toAvro(WindowReport r) {
        return toAvro(r.key(), r.start(), r.end(), r.summary(), r.verdict());
    }

    public static DriftMetrics toAvro(
            WindowKey key, long windowStart, long windowEnd, DriftSummary s, Verdict verdict) {
        Map<String, Long> failures = new HashMap<>();
        s.jsonFailures().forEach((k, v) -> failures.put(k.name(), v));
        Map<String, Long> buckets = new HashMap<>();
        s.firstDivergence().forEach((k, v) -> buckets.put(k.name(), v));
        return DriftMetrics.newBuilder()
                .setModel(key.model())
                .setCandidate(key.candidate())
                .setTask(key.task())
                .setTenant(key.tenant())
                .setWindowStart(Instant.ofEpochMilli(windowStart))
                .setWindowEnd(Instant.ofEpochMilli(windowEnd))
                .setPrompts(s.prompts())
                .setIdentical(rate(s.identical()))
                .setSameTop1(rate(s.sameTop1()))
                .setMeanKl(s.meanKl())
                .setKlP50(s.klP50())
                .setKlP95(s.klP95())
                .setKlP99(s.klP99())
                .setPerplexityRatio(s.perplexityRatio())
                .setMeanDeltaP(s.meanDeltaP())
                .setApproximate(false)
                .setFdtRatioP50(s.fdtRatioP50())
                .setSdtRatioP50(s.sdtRatioP50())
                .setJsonValid(rate(s.jsonValid()))
                .setJsonBroken(rate(s.jsonBroken()))
                .setJsonFailures(failures)
                .setLengthRatioP50(s.lengthRatioP50())
                .setEosEarly(rate(s.eosEarly()))
                .setEosLate(rate(s.eosLate()))
                .setRepeatIncreaseP95(s.repeatIncreaseP95())
                .setFirstDivergence(buckets)
                .setPreamble(rate(s.preamble()))
                .setSentenceBroken(rate(s.sentenceBroken()))
                .setRareMissing(rate(s.rareTokenMissing()))
                .setVerdict(VerdictLevel.valueOf(verdict.level().name()))
                .setVerdictReasons(verdict.reasons())
                .setOffered(s.coverage().offered())
                .setShadowed(s.coverage().shadowed())
                .setTimeouts(s.coverage().timeouts())
                .setErrors(s.coverage().errors())
                .setToolChanged(rate(s.toolChanged()))
                .setArgumentsChanged(rate(s.argumentsChanged()))
                .setValueChanged(rate(s.valueChanged()))
                .build();
    }

    public static DriftSummary toSummary(DriftMetrics m) {
        Map<JsonFailure, Long> failures = new EnumMap<>(JsonFailure.class);
        m.getJsonFailures().forEach((k, v) -> failures.put(JsonFailure.valueOf(k), v));
        Map<RepetitionDrift.DivergenceBucket, Long> buckets = new EnumMap<>(RepetitionDrift.DivergenceBucket.class);
        m.getFirstDivergence().forEach((k, v) -> buckets.put(RepetitionDrift.DivergenceBucket.valueOf(k), v));
        return new DriftSummary(
                m.getPrompts(),
                rate(m.getIdentical()),
                rate(m.getSameTop1()),
                m.getMeanKl(),
                m.getKlP50(),
                m.getKlP95(),
                m.getKlP99(),
                m.getPerplexityRatio(),
                m.getMeanDeltaP(),
                m.getFdtRatioP50(),
                m.getSdtRatioP50(),
                rate(m.getJsonValid()),
                rate(m.getJsonBroken()),
                Map.copyOf(failures),
                m.getLengthRatioP50(),
                rate(m.getEosEarly()),
                rate(m.getEosLate()),
                m.getRepeatIncreaseP95(),
                Map.copyOf(buckets),
                rate(m.getPreamble()),
                rate(m.getSentenceBroken()),
                rate(m.getRareMissing()),
                orEmpty(m.getToolChanged()),
                orEmpty(m.getArgumentsChanged()),
                orEmpty(m.getValueChanged()),
                coverage(m));
    }

    /** Coverage counts; windows published before they existed read as fully covered comparisons. */
    private static ShadowCoverage coverage(DriftMetrics m) {
        if (m.getOffered() == null) {
            return new ShadowCoverage(m.getPrompts(), m.getPrompts(), 0, 0);
        }
        return new ShadowCoverage(
                m.getOffered(), orZero(m.getShadowed()), orZero(m.getTimeouts()), orZero(m.getErrors()));
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }

    private static RateStat rate(Rate r) {
        var ci = r.interval();
        return new RateStat(r.hits(), r.trials(), r.value(), ci.lower(), ci.upper());
    }

    private static Rate rate(RateStat r) {
        return new Rate(r.getHits(), r.getTrials());
    }

    /** Windows published before a rate existed read as no trials. */
    private static Rate orEmpty(RateStat r) {
        return r == null ? Rate.EMPTY : rate(r);
    }
}
