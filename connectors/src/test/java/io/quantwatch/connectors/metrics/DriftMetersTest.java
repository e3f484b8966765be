package io.quantwatch.connectors.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quantwatch.detectors.RandomShadowComparisons;
import io.quantwatch.detectors.alert.AlertEvent;
import io.quantwatch.detectors.alert.AlertRule;
import io.quantwatch.detectors.alert.AlertTransition;
import io.quantwatch.detectors.alert.Verdict;
import io.quantwatch.detectors.window.DriftWindow;
import io.quantwatch.detectors.window.WindowKey;
import io.quantwatch.detectors.window.WindowReport;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A key that stops reporting stops exporting: its series go after the idle cutoff, a firing alert stays. */
class DriftMetersTest {

    private static WindowReport window(String tenant) {
        DriftWindow w = new DriftWindow();
        Random r = new Random(1);
        for (int i = 0; i < 20; i++) {
            w.add(RandomShadowComparisons.next(r).metrics());
        }
        var s = w.summary();
        return new WindowReport(
                new WindowKey("m", "int4", "chat", tenant), 0, 60_000, s, Verdict.of(s, Verdict.Policy.defaults()));
    }

    private static long series(SimpleMeterRegistry registry, String tenant) {
        return registry.getMeters().stream()
                .filter(m -> tenant.equals(m.getId().getTag("tenant")))
                .count();
    }

    @Test
    void theSeriesOfAnIdleKeyAreRemovedAndAnActiveKeysKept() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DriftMeters meters = new DriftMeters(registry);
        meters.record(window("gone"), 1_000);
        meters.record(window("active"), 1_000);
        AlertRule rule = AlertRule.defaults().get(0);
        meters.record(
                new AlertEvent(
                        new WindowKey("m", "int4", "chat", "gone"),
                        60_000,
                        new AlertTransition(rule, AlertTransition.State.FIRING, 0.5, 0.4, 0.6, 100, 0.1)),
                1_000);
        long perKey = series(registry, "active");
        assertThat(perKey).isGreaterThan(30);

        meters.record(window("active"), 5_000);
        int removed = meters.removeIdle(2_000);

        assertThat(removed).isEqualTo(1);
        assertThat(series(registry, "gone")).as("only the firing alert is left").isEqualTo(1);
        assertThat(series(registry, "active")).isEqualTo(perKey);
        // Re-reporting brings the key back with all its series.
        meters.record(window("gone"), 6_000);
        assertThat(series(registry, "gone")).isEqualTo(perKey + 1);
    }

    @Test
    void beyondTheLabelLimitTheLeastRecentlyReportedTenantsSeriesGo() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DriftMeters meters = new DriftMeters(registry);
        meters.limitLabels(2, 10);
        meters.record(window("a"), 1);
        meters.record(window("b"), 2);
        meters.record(window("a"), 3);
        meters.record(window("c"), 4); // a third tenant: b reported least recently

        assertThat(series(registry, "b")).isZero();
        assertThat(series(registry, "a")).isPositive();
        assertThat(series(registry, "c")).isPositive();
    }
}
