package io.quantwatch.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.detectors.RandomShadowComparisons;
import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.alert.Verdict;
import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.detectors.window.DriftWindow;
import io.quantwatch.detectors.window.WindowKey;
import io.quantwatch.schemas.ComparisonOutcome;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ShadowRecord;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Avro edge loses nothing a user sees: windows rebuilt from shadow records (as the benchmark
 * and any replay do) equal windows built from the detectors' metrics, and alert rules read back
 * exactly the summary the window computed.
 */
class AvroEdgeMappingTest {
    private static final PromptEvent PROMPT = PromptEvent.newBuilder()
            .setRequestId("r1")
            .setTenant("acme")
            .setModel("m")
            .setTask("tool_call")
            .setPrompt("p")
            .setEventTime(Instant.parse("2026-11-27T10:00:00Z"))
            .build();

    @Test
    void aWindowOfReplayedShadowRecordsEqualsTheWindowOfTheirMetrics() {
        Random r = new Random(11);
        DriftWindow direct = new DriftWindow();
        DriftWindow replayed = new DriftWindow();
        for (int i = 0; i < 500; i++) {
            var s = RandomShadowComparisons.next(r);
            ShadowResult result = ShadowResult.compared(
                    ShadowRecordMapping.identity(PROMPT),
                    "int4",
                    s.metrics(),
                    s.reference().finish(),
                    s.candidate().finish(),
                    s.reference().text(),
                    s.candidate().text());
            ShadowResult back = ShadowRecordMapping.toResult(ShadowRecordMapping.toAvro(result));
            assertThat(back.requestId()).isEqualTo("r1");
            assertThat(back.eventTimeMillis()).isEqualTo(PROMPT.getEventTime().toEpochMilli());
            assertThat(back.referenceText()).isEqualTo(result.referenceText());
            assertThat(back.badness()).isEqualTo(result.badness());
            direct.add(s.metrics());
            replayed.add(back.metrics());
        }
        assertThat(replayed.summary()).isEqualTo(direct.summary());
        assertThat(direct.summary().identical().hits()).isPositive();
        assertThat(direct.summary().jsonBroken().trials()).isPositive();
    }

    @Test
    void resultsWithoutAComparisonKeepWhyThroughTheTopic() {
        ShadowResult timedOut = ShadowResult.withoutComparison(
                ShadowRecordMapping.identity(PROMPT), "nf4", ShadowResult.Outcome.TIMEOUT, "candidate: 20 s");
        ShadowRecord rec = ShadowRecordMapping.toAvro(timedOut);
        assertThat(rec.getOutcome()).isEqualTo(ComparisonOutcome.TIMEOUT);
        assertThat(rec.getOutcomeDetail()).isEqualTo("candidate: 20 s");
        assertThat(ShadowRecordMapping.toResult(rec)).isEqualTo(timedOut);
    }

    @Test
    void alertRulesReadBackTheSummaryTheWindowComputed() {
        Random r = new Random(5);
        DriftWindow w = new DriftWindow();
        for (int i = 0; i < 200; i++) {
            w.add(RandomShadowComparisons.next(r).metrics());
        }
        DriftSummary s = w.summary();
        DriftMetrics avro = DriftMetricsMapping.toAvro(
                new WindowKey("m", "int4", "tool_call", "acme"),
                1000,
                61_000,
                s,
                Verdict.of(s, Verdict.Policy.defaults()));
        assertThat(DriftMetricsMapping.toSummary(avro)).isEqualTo(s);
        assertThat(avro.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(61_000));
        assertThat(avro.getJsonBroken().getLower())
                .isLessThanOrEqualTo(avro.getJsonBroken().getValue());
    }

    @Test
    void singleObjectEncodingRoundTripsThroughTheFlinkSerdes() throws Exception {
        Random r = new Random(3);
        var s = RandomShadowComparisons.next(r);
        ShadowRecord rec = ShadowRecordMapping.toAvro(ShadowResult.compared(
                ShadowRecordMapping.identity(PROMPT),
                "nf4",
                s.metrics(),
                s.reference().finish(),
                s.candidate().finish(),
                "ref",
                "cand"));
        byte[] bytes = new AvroSingleObjectSerializer<>(ShadowRecord.class).serialize(rec);
        assertThat(bytes[0] & 0xFF).isEqualTo(0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(new AvroSingleObjectDeserializer<>(ShadowRecord.class).deserialize(bytes))
                .isEqualTo(rec);
    }
}
