package io.quantwatch.connectors.kafka;

import io.quantwatch.detectors.review.ReviewSample;
import io.quantwatch.schemas.DivergentSample;
import io.quantwatch.schemas.JsonFailure;
import java.time.Instant;

/** Converts a {@link ReviewSample} to the Avro {@link DivergentSample} of the drift-samples topic. */
public final class DivergentSampleMapping {
    private DivergentSampleMapping() {}

    public static DivergentSample toAvro(ReviewSample s) {
        return DivergentSample.newBuilder()
                .setRequestId(s.requestId())
                .setModel(s.key().model())
                .setCandidate(s.key().candidate())
                .setTask(s.key().task())
                .setTenant(s.key().tenant())
                .setWindowEnd(Instant.ofEpochMilli(s.windowEnd()))
                .setBadness(s.badness())
                .setFirstDivergentToken(s.firstDivergentToken())
                .setMeanKl(s.meanKl())
                .setCandidateJson(JsonFailure.valueOf(s.candidateJson().name()))
                .setRedacted(s.redacted())
                .setReferenceText(s.referenceText())
                .setCandidateText(s.candidateText())
                .build();
    }
}
