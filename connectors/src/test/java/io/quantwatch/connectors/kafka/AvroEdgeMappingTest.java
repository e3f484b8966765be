package io.quantwatch.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.detectors.DecodeOutput;
import io.quantwatch.detectors.FinishReason;
import io.quantwatch.detectors.RequestContext;
import io.quantwatch.detectors.ShadowComparison;
import io.quantwatch.detectors.ShadowMetrics;
import io.quantwatch.detectors.TeacherForcedScores;
import io.quantwatch.detectors.alert.Verdict;
import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.detectors.window.DriftWindow;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ShadowRecord;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Avro edge loses nothing a user sees: windows rebuilt from shadow records (as the benchmark
 * and any replay do) equal windows built from the detectors' metrics, and alert rules read back
 * exactly the summary the window computed.
 */
class AvroEdgeMappingTest {
    private static final ShadowComparison COMPARISON = new ShadowComparison();
    private static final String[] TEXTS = {"{\"a\": 1}", "{\"a\": 1,}", "{\"a\": [1", "Sure! {\"a\": 1}", "One. Two.", "", "x y x y x y x y"};
    private static final PromptEvent PROMPT = PromptEvent.newBuilder().setRequestId("r1").setTenant("acme").setModel("m")
            .setTask("tool_call").setPrompt("p").setEventTime(Instant.parse("2026-11-27T10:00:00Z")).build();

    private static ShadowMetrics metrics(Random r, DecodeOutput[] outs) {
        int n = 1 + r.nextInt(30);
        int[] ref = r.ints(n, 0, 5).toArray();
        int[] cand = r.nextInt(3) == 0 ? ref.clone() : r.ints(1 + r.nextInt(30), 0, 5).toArray();
        boolean[] same = new boolean[n];
        double[] dp = new double[n];
        double[] refLp = new double[n];
        double[] candLp = new double[n];
        int[][] top = new int[n][];
        for (int i = 0; i < n; i++) {
            same[i] = r.nextBoolean();
            dp[i] = r.nextDouble() - 0.5;
            refLp[i] = -r.nextDouble();
            candLp[i] = -2 * r.nextDouble();
            top[i] = r.ints(10, 0, 8).toArray();
        }
        FinishReason[] reasons = FinishReason.values();
        outs[0] = new DecodeOutput(ref, TEXTS[r.nextInt(TEXTS.length)], reasons[r.nextInt(3)], List.of());
        outs[1] = new DecodeOutput(cand, TEXTS[r.nextInt(TEXTS.length)], reasons[r.nextInt(3)], List.of());
        return COMPARISON.compare(new RequestContext(r.nextBoolean(), null, r.nextBoolean() ? 2 : null), outs[0], outs[1],
                new TeacherForcedScores(r.doubles(n, 0, 2).toArray(), same, dp, refLp, candLp, top, r.nextInt(4) == 0));
    }

    @Test
    void aWindowOfReplayedShadowRecordsEqualsTheWindowOfTheirMetrics() {
        Random r = new Random(11);
        DriftWindow direct = new DriftWindow();
        DriftWindow replayed = new DriftWindow();
        for (int i = 0; i < 500; i++) {
            DecodeOutput[] outs = new DecodeOutput[2];
            ShadowMetrics m = metrics(r, outs);
            ShadowRecord rec = ShadowRecordMapping.toAvro(PROMPT, "int4", m, outs[0].finish(), outs[1].finish(), outs[0].text(), outs[1].text());
            direct.add(m);
            replayed.add(ShadowRecordMapping.toMetrics(rec));
        }
        assertThat(replayed.summary()).isEqualTo(direct.summary());
        assertThat(direct.summary().identical().hits()).isPositive();
        assertThat(direct.summary().jsonBroken().trials()).isPositive();
    }

    @Test
    void alertRulesReadBackTheSummaryTheWindowComputed() {
        Random r = new Random(5);
        DriftWindow w = new DriftWindow();
        for (int i = 0; i < 200; i++) {
            w.add(metrics(r, new DecodeOutput[2]));
        }
        DriftSummary s = w.summary();
        DriftMetrics avro = DriftMetricsMapping.toAvro(new DriftMetricsMapping.WindowKey("m", "int4", "tool_call", "acme"),
                1000, 61_000, s, Verdict.of(s, Verdict.Policy.defaults()));
        assertThat(DriftMetricsMapping.toSummary(avro)).isEqualTo(s);
        assertThat(avro.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(61_000));
        assertThat(avro.getJsonBroken().getLower()).isLessThanOrEqualTo(avro.getJsonBroken().getValue());
    }

    @Test
    void singleObjectEncodingRoundTripsThroughTheFlinkSerdes() throws Exception {
        Random r = new Random(3);
        DecodeOutput[] outs = new DecodeOutput[2];
        ShadowMetrics m = metrics(r, outs);
        ShadowRecord rec = ShadowRecordMapping.toAvro(PROMPT, "nf4", m, outs[0].finish(), outs[1].finish(), "ref", "cand");
        byte[] bytes = new AvroSingleObjectSerializer<>(ShadowRecord.class).serialize(rec);
        assertThat(bytes[0] & 0xFF).isEqualTo(0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(new AvroSingleObjectDeserializer<>(ShadowRecord.class).deserialize(bytes)).isEqualTo(rec);
    }
}
