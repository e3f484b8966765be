package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.window.WindowKey;
import io.quantwatch.detectors.window.WindowReport;
import io.quantwatch.embedded.LocalFlinkEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The savepoint an earlier build took mid-window (committed under {@value MidWindowSavepoint#RESOURCE}) restores with
 * this build and every window finishes exactly: each key and window end reported once, each window counting exactly
 * the prompts whose event time falls in it, the ones held in the savepoint's state included. A change that renames an
 * operator uid, drops a piece of state or changes a serializer's format without a new snapshot version fails here.
 */
class MidWindowSavepointRestoreTest {
    private static Properties facts;
    private static List<WindowReport> windows;
    private static List<ShadowResult> records;

    @BeforeAll
    static void restoreAndFinish() throws Exception {
        Path savepoint = Path.of(MidWindowSavepointRestoreTest.class
                .getClassLoader()
                .getResource(MidWindowSavepoint.RESOURCE)
                .toURI());
        facts = MidWindowSavepoint.facts(savepoint);
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toUri().toString());
        conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false); // every piece of state must map
        StreamExecutionEnvironment env = LocalFlinkEnvironment.create(1, conf).env();
        MidWindowSavepoint.define(env, "restored-", 0);
        env.execute("mid-window savepoint restored");
        windows = CollectingSink.values("restored-metrics");
        records = CollectingSink.values("restored-records");
    }

    @Test
    void theFixtureWasTakenMidWindowWithWorkInState() {
        assertThat(Long.parseLong(facts.getProperty("windows-before"))).isZero();
        assertThat(Long.parseLong(facts.getProperty("records-before"))).isPositive();
        assertThat(Long.parseLong(facts.getProperty("released")))
                .isGreaterThanOrEqualTo(MidWindowSavepoint.RELEASED_AT_SAVEPOINT)
                .isLessThan(MidWindowSavepoint.PROMPTS);
    }

    @Test
    void everyKeyAndWindowIsReportedOnce() {
        Map<String, Long> reports = windows.stream()
                .collect(Collectors.groupingBy(w -> w.key() + "@" + w.end(), TreeMap::new, Collectors.counting()));
        assertThat(reports)
                .isNotEmpty()
                .allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
    }

    @Test
    void eachWindowCountsExactlyThePromptsOfItsEventTimes() {
        Map<String, Long> expected = new TreeMap<>();
        for (long i = 0; i < MidWindowSavepoint.PROMPTS; i++) {
            long end = windowEnd(MidWindowSavepoint.eventTime(i));
            for (String candidate : List.of("steady", "failing")) {
                WindowKey key = new WindowKey("m", candidate, MidWindowSavepoint.task(i), MidWindowSavepoint.tenant(i));
                expected.merge(key + "@" + end, 1L, Long::sum);
                expected.merge(key.rollup() + "@" + end, 1L, Long::sum);
            }
        }
        Map<String, Long> offered = windows.stream()
                .collect(Collectors.toMap(
                        w -> w.key() + "@" + w.end(),
                        w -> w.summary().coverage().offered(),
                        Long::sum,
                        TreeMap::new));
        assertThat(offered).isEqualTo(expected);
    }

    @Test
    void theFailingCandidatesErrorsAreCountedOnceEach() {
        long failing = java.util.stream.LongStream.range(0, MidWindowSavepoint.PROMPTS)
                .filter(MidWindowSavepoint::fails)
                .count();
        Map<String, Long> errors = windows.stream()
                .filter(w -> !w.key().isRollup())
                .collect(Collectors.groupingBy(
                        w -> w.key().candidate(),
                        Collectors.summingLong(w -> w.summary().coverage().errors())));
        assertThat(errors).containsEntry("failing", failing).containsEntry("steady", 0L);
    }

    @Test
    void shadowRecordsContinueWhereTheSavepointLeftOff() {
        long before = Long.parseLong(facts.getProperty("records-before"));
        assertThat(records).hasSize((int) (MidWindowSavepoint.PROMPTS * MidWindowSavepoint.CANDIDATES - before));
        Map<String, Long> perIdAndCandidate = records.stream()
                .collect(Collectors.groupingBy(r -> r.requestId() + "/" + r.candidate(), Collectors.counting()));
        assertThat(perIdAndCandidate.values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
        // The records published before the savepoint are the lowest request ids; the restored job publishes the rest.
        assertThat(records.stream().map(r -> r.requestId()).collect(Collectors.toSet()))
                .doesNotContain("req-0");
    }

    private static long windowEnd(long eventTime) {
        return eventTime
                - Math.floorMod(eventTime, MidWindowSavepoint.WINDOW_MILLIS)
                + MidWindowSavepoint.WINDOW_MILLIS;
    }
}
