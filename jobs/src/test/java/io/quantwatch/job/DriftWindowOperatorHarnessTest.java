package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.kafka.DivergentSampleMapping;
import io.quantwatch.connectors.kafka.DriftMetricsMapping;
import io.quantwatch.detectors.DecodeOutput;
import io.quantwatch.detectors.FinishReason;
import io.quantwatch.detectors.RequestContext;
import io.quantwatch.detectors.ShadowComparison;
import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.TeacherForcedScores;
import io.quantwatch.detectors.window.WindowKey;
import io.quantwatch.schemas.DivergentSample;
import io.quantwatch.schemas.DriftMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperatorBuilder;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * The drift window operator as the job builds it: one closed window per key when the watermark
 * passes the window end, summarized into DriftMetrics with the worst examples redacted, accumulators that survive
 * a checkpoint and restore, and no state or timers left once windows have fired.
 */
class DriftWindowOperatorHarnessTest {
    private static final ShadowComparison COMPARISON = new ShadowComparison();

    private static ShadowResult record(String id, String tenant, long eventTime, boolean diverge) {
        int[] ref = {5, 6, 7, 8};
        int[] cand = diverge ? new int[] {5, 9, 9} : ref;
        String candText = diverge ? "write to jane@example.com" : "same";
        var p = new ShadowResult.PromptIdentity(id, tenant, "m", "chat", eventTime);
        var refOut = new DecodeOutput(ref, "same", FinishReason.EOS, List.of());
        var candOut = new DecodeOutput(cand, candText, FinishReason.EOS, List.of());
        double kl = diverge ? 0.5 : 0.0;
        var forced = new TeacherForcedScores(
                new double[] {kl, kl, kl, kl},
                new boolean[] {true, !diverge, true, true},
                new double[4],
                new double[] {-1, -1, -1, -1},
                new double[] {-1, -1 - kl, -1, -1},
                new int[][] {{5}, {6}, {7}, {8}});
        var m = COMPARISON.compare(RequestContext.none(), refOut, candOut, forced);
        return ShadowResult.compared(p, "int4", m, FinishReason.EOS, FinishReason.EOS, "same", candText);
    }

    private static KeyedOneInputStreamOperatorTestHarness<WindowKey, ShadowResult, KeyedWindow> harness()
            throws Exception {
        ExecutionConfig config = new ExecutionConfig();
        TypeInformation<WindowKey> keyType = TypeInformation.of(WindowKey.class);
        var builder = new WindowOperatorBuilder<ShadowResult, WindowKey, TimeWindow>(
                TumblingEventTimeWindows.of(Duration.ofMinutes(1)),
                EventTimeTrigger.create(),
                config,
                TypeInformation.of(ShadowResult.class),
                r -> new WindowKey(r.model(), r.candidate(), r.task(), r.tenant()),
                keyType);
        OneInputStreamOperator<ShadowResult, KeyedWindow> op = builder.aggregate(
                new DriftAggregate(1), new CloseWindow(), TypeInformation.of(WindowAccumulator.class));
        return new KeyedOneInputStreamOperatorTestHarness<>(
                op, r -> new WindowKey(r.model(), r.candidate(), r.task(), r.tenant()), keyType, 1, 1, 0);
    }

    @Test
    void emitsOneSummaryPerKeyAtTheWindowEndSurvivesRestoreAndLeavesNoState() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(record("a1", "acme", 1_000, false), 1_000);
            h.processElement(record("a2", "acme", 2_000, true), 2_000);
            h.processElement(record("g1", "globex", 3_000, false), 3_000);
            h.processWatermark(59_998); // the window [0, 60 s) fires at 59 999
            assertThat(h.extractOutputValues()).isEmpty();
            snapshot = h.snapshot(1, 10); // accumulators go through the checkpoint serializer
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(record("a3", "acme", 4_000, true), 4_000);
            h.processElement(record("a4", "acme", 70_000, false), 70_000); // next window
            h.processWatermark(60_000);
            List<KeyedWindow> closed = h.extractOutputValues();
            assertThat(closed).hasSize(2);
            List<DriftMetrics> out = new ArrayList<>();
            List<DivergentSample> samples = new ArrayList<>();
            try (var emit = ProcessFunctionTestHarnesses.forProcessFunction(new EmitWindow(true, 200))) {
                for (KeyedWindow w : closed) {
                    emit.processElement(w, w.end() - 1);
                }
                emit.extractOutputValues().forEach(r -> out.add(DriftMetricsMapping.toAvro(r)));
                emit.getSideOutput(EmitWindow.SAMPLES)
                        .forEach(r -> samples.add(DivergentSampleMapping.toAvro(r.getValue())));
            }
            DriftMetrics acme = out.stream()
                    .filter(m -> m.getTenant().equals("acme"))
                    .findFirst()
                    .orElseThrow();
            assertThat(acme.getPrompts()).isEqualTo(3);
            assertThat(acme.getIdentical().getHits()).isEqualTo(1);
            assertThat(acme.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(60_000));
            assertThat(DriftMetricsMapping.toSummary(acme).meanKl()).isGreaterThan(0.0);
            assertThat(samples).singleElement().satisfies(s -> {
                assertThat(s.getTenant()).isEqualTo("acme");
                assertThat(s.getCandidateText()).isEqualTo("write to [EMAIL]");
                assertThat(s.getFirstDivergentToken()).isEqualTo(1);
            });
            assertThat(h.numKeyedStateEntries()).isEqualTo(1); // only the open [60 s, 120 s) window of acme
            h.processWatermark(120_000);
            assertThat(h.extractOutputValues()).hasSize(3);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
