package io.quantwatch.job;

import io.quantwatch.connectors.kafka.ShadowRecordMapping;
import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.review.PiiRedactor;
import io.quantwatch.schemas.ShadowRecord;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * A shadow result as its shadow-records record, with both model outputs treated as drift-samples treats them: masked
 * and cut under {@code samples.redact}, only cut otherwise. The figures are unchanged; windows were computed from the
 * full texts before this point.
 */
public final class RedactShadowRecord implements MapFunction<ShadowResult, ShadowRecord> {
    private static final long serialVersionUID = 1L;

    private final boolean redact;
    private final PiiRedactor redactor;

    public RedactShadowRecord(boolean redact, int maxChars) {
        this.redact = redact;
        this.redactor = new PiiRedactor(maxChars);
    }

    @Override
    public ShadowRecord map(ShadowResult result) {
        ShadowRecord r = ShadowRecordMapping.toAvro(result);
        if (r.getReferenceText() != null) {
            r.setReferenceText(shown(r.getReferenceText()));
        }
        if (r.getCandidateText() != null) {
            r.setCandidateText(shown(r.getCandidateText()));
        }
        return r;
    }

    private String shown(String text) {
        return redact ? redactor.redact(text) : redactor.cut(text);
    }
}
