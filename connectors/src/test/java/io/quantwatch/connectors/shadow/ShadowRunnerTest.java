package io.quantwatch.connectors.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.shadow.ScriptedPipelines.Script;
import io.quantwatch.connectors.shadow.ShadowOutcome.CandidateOutcome;
import io.quantwatch.connectors.shadow.ShadowOutcome.Compared;
import io.quantwatch.connectors.shadow.ShadowOutcome.Failed;
import io.quantwatch.connectors.shadow.ShadowOutcome.Stage;
import io.quantwatch.connectors.shadow.ShadowOutcome.TimedOut;
import io.quantwatch.detectors.port.ShadowPipelines;
import io.quantwatch.schemas.PromptEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deadlines and fault isolation: one slow, failing or hung candidate costs its own comparison, never the others'. */
class ShadowRunnerTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    @AfterEach
    void releaseHungCalls() {
        ScriptedPipelines.releaseHung();
    }

    private static ShadowRunner runner(Script first, Script second) {
        Map<String, ShadowPipelines> pairs = new LinkedHashMap<>();
        pairs.put("first", new ScriptedPipelines(first));
        pairs.put("second", new ScriptedPipelines(second));
        return new ShadowRunner(pairs, 64, TIMEOUT);
    }

    private static List<CandidateOutcome> shadow(ShadowRunner runner, String text) {
        PromptEvent p = PromptEvent.newBuilder()
                .setRequestId("r")
                .setTenant("t")
                .setModel("m")
                .setPrompt(text)
                .setEventTime(Instant.EPOCH)
                .build();
        ShadowOutcome o = runner.shadow(p);
        assertThat(o).isInstanceOf(ShadowOutcome.Shadowed.class);
        return ((ShadowOutcome.Shadowed) o).outcomes();
    }

    @Test
    void aSlowCandidateTimesOutWhileTheOtherIsCompared() {
        try (ShadowRunner r = runner(Script.sleeping(5_000), Script.healthy())) {
            long t0 = System.nanoTime();
            List<CandidateOutcome> out = shadow(r, "hello there");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
            assertThat(out.get(0)).isInstanceOfSatisfying(TimedOut.class, t -> {
                assertThat(t.candidate()).isEqualTo("first");
                assertThat(t.stage()).isEqualTo(Stage.CANDIDATE);
                assertThat(t.reason()).contains("shadow.timeout");
            });
            assertThat(out.get(1)).isInstanceOf(Compared.class);
            // The sleep was interrupted: the lane is free again, so the next prompt waits its own deadline, not a stuck
            // lane's.
            assertThat(shadow(r, "again").get(0))
                    .isInstanceOfSatisfying(
                            TimedOut.class, t -> assertThat(t.reason()).contains("took longer"));
        }
    }

    @Test
    void exceptionsBecomeThatCandidatesErrorWithTheirStage() {
        try (ShadowRunner r = runner(new Script(0, true, false, false), new Script(0, false, false, true))) {
            List<CandidateOutcome> out =
                    shadow(r, "one " + ScriptedPipelines.FAIL + " " + ScriptedPipelines.BAD_SCORES);
            assertThat(out.get(0)).isInstanceOfSatisfying(Failed.class, f -> {
                assertThat(f.stage()).isEqualTo(Stage.CANDIDATE);
                assertThat(f.errorType()).isEqualTo(IllegalStateException.class.getName());
                assertThat(f.message()).contains("scripted pipeline failure");
                assertThat(f.stage().errorClass()).isEqualTo("PIPELINE_ERROR");
            });
            assertThat(out.get(1)).isInstanceOfSatisfying(Failed.class, f -> {
                assertThat(f.stage()).isEqualTo(Stage.DETECTORS);
                assertThat(f.errorType()).isEqualTo(NullPointerException.class.getName());
                assertThat(f.stage().errorClass()).isEqualTo("DETECTOR_ERROR");
            });
            assertThat(shadow(r, "a healthy prompt")).allMatch(o -> o instanceof Compared);
        }
    }

    @Test
    void aHungPipelineHoldsOneThreadAndOthersKeepBeingCompared() {
        try (ShadowRunner r = runner(new Script(0, false, true, false), Script.healthy())) {
            List<CandidateOutcome> first = shadow(r, "please " + ScriptedPipelines.HANG);
            assertThat(first.get(0)).isInstanceOf(TimedOut.class);
            assertThat(first.get(1)).isInstanceOf(Compared.class);
            long threadsAfterHang = laneThreads();
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                List<CandidateOutcome> out = shadow(r, "prompt number " + i);
                // The stuck lane is skipped at once, and the reference moves to the healthy candidate's lane.
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(TIMEOUT);
                assertThat(out.get(0))
                        .isInstanceOfSatisfying(
                                TimedOut.class, t -> assertThat(t.reason()).contains("still busy"));
                assertThat(out.get(1)).isInstanceOf(Compared.class);
            }
            assertThat(laneThreads()).isEqualTo(threadsAfterHang).isLessThanOrEqualTo(2);
            assertThat(ScriptedPipelines.hungNow()).isEqualTo(1);
            ScriptedPipelines.releaseHung();
            await(() -> ScriptedPipelines.hungNow() == 0);
            assertThat(shadow(r, "after the stall")).allMatch(o -> o instanceof Compared);
        }
    }

    private static long laneThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("quantwatch-shadow-"))
                .count();
    }

    private static void await(BooleanSupplier condition) {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }
}
