package io.quantwatch.detectors.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.quantwatch.detectors.RandomShadowComparisons;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Window merges are associative and commutative, and survive their state format, whatever the metrics. */
class DriftWindowPropertiesTest {
    static DriftWindow window(List<Long> seeds) {
        DriftWindow w = new DriftWindow();
        for (long s : seeds) {
            w.add(RandomShadowComparisons.next(new Random(s)).metrics());
        }
        return w;
    }

    static void assertSameSummary(DriftSummary a, DriftSummary b) {
        assertThat(a.prompts()).isEqualTo(b.prompts());
        assertThat(a.identical()).isEqualTo(b.identical());
        assertThat(a.sameTop1()).isEqualTo(b.sameTop1());
        assertThat(a.meanKl()).isCloseTo(b.meanKl(), within(1e-9));
        assertThat(a.perplexityRatio()).isCloseTo(b.perplexityRatio(), within(1e-9));
        assertThat(a.meanDeltaP()).isCloseTo(b.meanDeltaP(), within(1e-9));
        assertThat((Object) a.klP50()).isEqualTo(b.klP50()); // Double.equals: NaN equals NaN
        assertThat((Object) a.klP95()).isEqualTo(b.klP95()); // Double.equals: NaN equals NaN
        assertThat((Object) a.fdtRatioP50()).isEqualTo(b.fdtRatioP50()); // Double.equals: NaN equals NaN
        assertThat((Object) a.sdtRatioP50()).isEqualTo(b.sdtRatioP50()); // Double.equals: NaN equals NaN
        assertThat((Object) a.lengthRatioP50()).isEqualTo(b.lengthRatioP50()); // Double.equals: NaN equals NaN
        assertThat((Object) a.repeatIncreaseP95()).isEqualTo(b.repeatIncreaseP95()); // Double.equals: NaN equals NaN
        assertThat(a.jsonValid()).isEqualTo(b.jsonValid());
        assertThat(a.jsonBroken()).isEqualTo(b.jsonBroken());
        assertThat(a.jsonFailures()).isEqualTo(b.jsonFailures());
        assertThat(a.firstDivergence()).isEqualTo(b.firstDivergence());
        assertThat(a.eosEarly()).isEqualTo(b.eosEarly());
        assertThat(a.eosLate()).isEqualTo(b.eosLate());
        assertThat(a.preamble()).isEqualTo(b.preamble());
        assertThat(a.sentenceBroken()).isEqualTo(b.sentenceBroken());
        assertThat(a.rareTokenMissing()).isEqualTo(b.rareTokenMissing());
    }

    @Property(tries = 60)
    void mergeIsAssociative(
            @ForAll @Size(max = 12) List<Long> a,
            @ForAll @Size(max = 12) List<Long> b,
            @ForAll @Size(max = 12) List<Long> c) {
        DriftWindow left = window(a).merge(window(b)).merge(window(c));
        DriftWindow right = window(a).merge(window(b).merge(window(c)));
        assertSameSummary(left.summary(), right.summary());
    }

    @Property(tries = 60)
    void mergeIsCommutativeAndEqualsAddingEverything(
            @ForAll @Size(max = 15) List<Long> a, @ForAll @Size(max = 15) List<Long> b) {
        DriftSummary ab = window(a).merge(window(b)).summary();
        assertSameSummary(ab, window(b).merge(window(a)).summary());
        List<Long> all = new ArrayList<>(a);
        all.addAll(b);
        assertSameSummary(ab, window(all).summary());
    }

    @Property(tries = 30)
    void windowsSurviveTheirStateFormat(@ForAll @Size(min = 1, max = 15) List<Long> seeds) throws Exception {
        DriftWindow w = window(seeds);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            w.writeTo(out);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            DriftWindow back = DriftWindow.readFrom(in);
            assertThat(in.available()).as("every byte read back").isZero();
            assertSameSummary(w.summary(), back.summary());
            // A restored window keeps merging with fresh ones.
            back.merge(window(seeds));
            assertThat(back.prompts()).isEqualTo(2L * seeds.size());
        }
    }

    @Property(tries = 200)
    void wilsonIntervalContainsTheRateAndNarrowsWithSamples(
            @ForAll @IntRange(min = 0, max = 500) int hits, @ForAll @IntRange(min = 1, max = 500) int extra) {
        long trials = hits + extra;
        WilsonInterval i = WilsonInterval.of(hits, trials);
        double p = (double) hits / trials;
        assertThat(i.lower()).isLessThanOrEqualTo(p + 1e-12);
        assertThat(i.upper()).isGreaterThanOrEqualTo(p - 1e-12);
        WilsonInterval bigger = WilsonInterval.of(hits * 10L, trials * 10);
        assertThat(bigger.upper() - bigger.lower()).isLessThan(i.upper() - i.lower() + 1e-12);
    }
}
