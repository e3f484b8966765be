package io.quantwatch.detectors.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shed-but-uniform admission: what a period keeps is unbiased across tenants and arrival time, bounded, and replayable. */
class PeriodSampleTest {
    private static final DeterministicSampler HASH = new DeterministicSampler(1.0, "");

    record Prompt(String id, String tenant, long ts) {}

    /** A burst-heavy tenant (all at the start of the period) beside a steady one, 10 : 1 in volume. */
    private static List<Prompt> skewedPeriod(int n) {
        List<Prompt> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean bursty = i % 11 != 0;
            long ts =
                    bursty ? i % 1_000 : (long) i * 30_000 / n; // the burst lands in the first second of a 30 s period
            out.add(new Prompt("req-" + i, bursty ? "bursty" : "steady", ts));
        }
        return out;
    }

    private static List<Prompt> keep(List<Prompt> offered, int k, int maxHeld) {
        PeriodSample<Prompt> periods = new PeriodSample<>(30_000);
        for (Prompt p : offered) {
            periods.offer(p.ts(), HASH.fraction(p.id()), p, maxHeld);
        }
        List<PeriodSample.Closed<Prompt>> closed = periods.closeUpTo(29_999);
        assertThat(closed).hasSize(1);
        return closed.get(0).byFraction().stream()
                .limit(k)
                .map(PeriodSample.Held::item)
                .toList();
    }

    @Test
    void theKeptShareOfEveryTenantAndOfEveryPartOfThePeriodIsItsOfferedShare() {
        List<Prompt> offered = skewedPeriod(110_000);
        List<Prompt> kept = keep(offered, 2_000, 4_000);
        assertThat(kept).hasSize(2_000);
        double steadyOffered =
                offered.stream().filter(p -> p.tenant().equals("steady")).count() / (double) offered.size();
        double steadyKept =
                kept.stream().filter(p -> p.tenant().equals("steady")).count() / (double) kept.size();
        double sigma = Math.sqrt(steadyOffered * (1 - steadyOffered) / kept.size());
        assertThat(steadyKept).isCloseTo(steadyOffered, within(3 * sigma));
        // First come is not first served: the burst at the start gets exactly its share, no more.
        double earlyOffered = offered.stream().filter(p -> p.ts() < 1_000).count() / (double) offered.size();
        double earlyKept = kept.stream().filter(p -> p.ts() < 1_000).count() / (double) kept.size();
        assertThat(earlyKept)
                .isCloseTo(earlyOffered, within(3 * Math.sqrt(earlyOffered * (1 - earlyOffered) / kept.size())));
    }

    @Test
    void aReplayInAnyOrderKeepsTheSamePrompts() {
        List<Prompt> offered = skewedPeriod(5_000);
        List<Prompt> shuffled = new ArrayList<>(offered);
        Collections.shuffle(shuffled, new Random(7));
        assertThat(new HashSet<>(keep(shuffled, 100, 200))).isEqualTo(new HashSet<>(keep(offered, 100, 200)));
    }

    @Test
    void memoryIsBoundedAndWhatIsPushedOutCouldNeverBeKept() {
        PeriodSample<Prompt> periods = new PeriodSample<>(30_000);
        Set<Prompt> pushedOut = new HashSet<>();
        List<Prompt> offered = skewedPeriod(10_000);
        for (Prompt p : offered) {
            Optional<Prompt> out = periods.offer(p.ts(), HASH.fraction(p.id()), p, 50);
            out.ifPresent(pushedOut::add);
            assertThat(periods.size()).isLessThanOrEqualTo(50);
        }
        assertThat(pushedOut).hasSize(10_000 - 50);
        List<Prompt> held = periods.held().stream().map(PeriodSample.Held::item).toList();
        double worstHeld =
                held.stream().mapToDouble(p -> HASH.fraction(p.id())).max().orElseThrow();
        assertThat(pushedOut).allSatisfy(p -> assertThat(HASH.fraction(p.id())).isGreaterThanOrEqualTo(worstHeld));
        assertThat(new HashSet<>(held)).isEqualTo(new HashSet<>(keep(offered, 50, 10_000)));
    }

    @Test
    void periodsCloseOnlyWhenTheWatermarkPassesTheirEnd() {
        PeriodSample<String> periods = new PeriodSample<>(10_000);
        periods.offer(1_000, 0.5, "a", 10);
        periods.offer(12_000, 0.5, "b", 10);
        periods.offer(25_000, 0.5, "c", 10);
        assertThat(periods.closeUpTo(9_998)).isEmpty();
        assertThat(periods.closeUpTo(19_999))
                .extracting(PeriodSample.Closed::start)
                .containsExactly(0L, 10_000L);
        assertThat(periods.periods()).isEqualTo(1);
        assertThat(periods.closed(15_000, 19_999)).isTrue();
        assertThat(periods.closed(20_000, 19_999)).isFalse();
        assertThat(periods.closeUpTo(Long.MAX_VALUE))
                .extracting(PeriodSample.Closed::start)
                .containsExactly(20_000L);
        assertThat(periods.size()).isZero();
        assertThat(periods.held()).isEmpty();
    }
}
