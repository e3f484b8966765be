package io.quantwatch.detectors.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DeterministicSamplerTest {

    @Test
    void theSameRequestIdIsAlwaysDecidedTheSameWay() {
        DeterministicSampler a = new DeterministicSampler(0.3, "");
        DeterministicSampler b = new DeterministicSampler(0.3, "");
        IntStream.range(0, 1000)
                .mapToObj(i -> "req-" + i)
                .forEach(id -> assertThat(a.sampled(id)).isEqualTo(b.sampled(id)));
    }

    @Test
    void theSampledShareMatchesTheRate() {
        DeterministicSampler s = new DeterministicSampler(0.1, "");
        long kept =
                IntStream.range(0, 100_000).filter(i -> s.sampled("req-" + i)).count();
        assertThat(kept).isBetween(9_700L, 10_300L); // 3 standard deviations is ~285
    }

    @Test
    void aHigherRateKeepsEveryIdALowerRateKept() {
        DeterministicSampler low = new DeterministicSampler(0.05, "x");
        DeterministicSampler high = new DeterministicSampler(0.2, "x");
        IntStream.range(0, 5000)
                .mapToObj(i -> "id" + i)
                .filter(low::sampled)
                .forEach(id -> assertThat(high.sampled(id)).isTrue());
    }

    @Test
    void aSaltPicksADifferentSubset() {
        DeterministicSampler plain = new DeterministicSampler(0.5, "");
        DeterministicSampler salted = new DeterministicSampler(0.5, "rotate-2026-11");
        long differ = IntStream.range(0, 2000)
                .filter(i -> plain.sampled("r" + i) != salted.sampled("r" + i))
                .count();
        assertThat(differ).isBetween(800L, 1200L);
    }

    @Test
    void edgesAndBadRates() {
        assertThat(new DeterministicSampler(1.0, "").sampled("anything")).isTrue();
        assertThat(new DeterministicSampler(0.0, "").sampled("anything")).isFalse();
        assertThatThrownBy(() -> new DeterministicSampler(1.5, "")).hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> new DeterministicSampler(Double.NaN, "")).hasMessageContaining("NaN");
    }
}
