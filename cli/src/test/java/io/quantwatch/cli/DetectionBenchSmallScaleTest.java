package io.quantwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.detectors.alert.AlertMethod;
import io.quantwatch.detectors.alert.AlertRule;
import io.quantwatch.detectors.calibration.DetectionSimulation;
import io.quantwatch.detectors.calibration.DetectionSimulation.Measured;
import io.quantwatch.detectors.calibration.Injection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The detection benchmark at small scale, on the measured baseline: the CUSUM on roll-ups raises fewer false alarms
 * than one Wilson test per window on every key, still pages JSON +2 pp every time, the rules on a learned baseline page
 * mean KL ×2 and identical −10 pp, and the command prints its table and summary line.
 */
class DetectionBenchSmallScaleTest {
    private static final List<String> CANDIDATES = List.of("int8-sym", "int4-sym-g128", "int4-sym-cw", "nf4");

    private static long aaFirings(List<Measured> baseline, AlertMethod method, boolean perKey) {
        var sim = new DetectionSimulation(
                new DetectionSimulation.Settings(CANDIDATES, 3, 10, 60, AlertRule.defaults(), perKey, method, 7),
                baseline,
                42);
        for (int w = 0; w < 60; w++) {
            sim.step(Injection.NONE); // standing alerts settle
        }
        long fired = 0;
        for (int w = 0; w < 200; w++) {
            fired += sim.step(Injection.NONE).size();
        }
        return fired;
    }

    @Test
    void aCusumOnRollUpsRaisesFewerFalseAlarmsThanAWilsonTestPerWindowOnEveryKey() throws Exception {
        List<Measured> baseline = DetectionBenchCommand.load();
        long before = aaFirings(baseline, AlertMethod.WINDOW, true);
        long after = aaFirings(baseline, AlertMethod.CUSUM, false);
        assertThat(before).isPositive();
        assertThat(after).isLessThan(before).isLessThanOrEqualTo(1);
    }

    @Test
    void jsonBrokenPlusTwoPointsIsPagedInEveryTrial() throws Exception {
        List<Measured> baseline = DetectionBenchCommand.load();
        for (int trial = 0; trial < 10; trial++) {
            var sim = new DetectionSimulation(
                    new DetectionSimulation.Settings(
                            CANDIDATES, 3, 10, 60, AlertRule.defaults(), false, AlertMethod.CUSUM, 7),
                    baseline,
                    100 + trial);
            int windows = 0;
            boolean paged = false;
            while (!paged && windows++ < 30) {
                paged = sim.step(Injection.JSON_2PP).stream()
                        .anyMatch(f ->
                                f.candidate().equals("int8-sym") && f.rule().equals("json-broken"));
            }
            assertThat(paged).as("trial " + trial).isTrue();
        }
    }

    @Test
    void klTwiceAndIdenticalTenPointsDownArePagedByTheLearnedBaselineRulesInEveryTrial() throws Exception {
        List<Measured> baseline = DetectionBenchCommand.load();
        for (Injection injection : List.of(Injection.KL_2X, Injection.IDENTICAL_MINUS_10PP)) {
            String rule = injection == Injection.KL_2X ? "kl-up-50pct" : "identical-down-5pp";
            for (int trial = 0; trial < 5; trial++) {
                var sim = new DetectionSimulation(
                        new DetectionSimulation.Settings(
                                CANDIDATES, 3, 10, 60, AlertRule.defaults(), false, AlertMethod.CUSUM, 7),
                        baseline,
                        200 + trial);
                int healthy = 0;
                while (!sim.baselinesLearned("int8-sym")) {
                    assertThat(sim.step(Injection.NONE))
                            .as("no false alarm while learning")
                            .noneMatch(f -> f.rule().equals(rule));
                    healthy++;
                }
                assertThat(healthy).as("learned from the first windows").isEqualTo(30);
                int windows = 0;
                boolean paged = false;
                while (!paged && windows++ < 5) {
                    paged = sim.step(injection).stream()
                            .anyMatch(f ->
                                    f.candidate().equals("int8-sym") && f.rule().equals(rule));
                }
                assertThat(paged).as(injection.label() + ", trial " + trial).isTrue();
            }
        }
    }

    @Test
    void theCommandPrintsItsTableAndSummaryLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = new CommandLine(new DetectionBenchCommand())
                    .execute("--windows", "60", "--trials", "4", "--rates", "10", "--horizon", "20");
        } finally {
            System.setOut(old);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(out).contains("A/A", "JSON broken +2 pp");
        String last = out.strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(last)
                .startsWith("detection: aa_firing_per_1000_windows=")
                .contains(
                        "json2pp_p95_prompts=",
                        "eos5pp_p95_prompts=",
                        "kl2x_p95_prompts=",
                        "identical10pp_p95_prompts=");
        assertThat(last).doesNotContain("kl2x_p95_prompts=never", "identical10pp_p95_prompts=never");
    }
}
