package io.quantwatch.detectors.review;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DivergenceRankTest {

    @Test
    void brokenJsonOutranksValidJsonThatSaysSomethingElseWhichOutranksAnyOtherDivergence() {
        double broken = DivergenceRank.badness(true, false, false, 0.99, 0.0);
        double changedValue = DivergenceRank.badness(false, true, false, 0.99, 0.0);
        double worstChanged = DivergenceRank.badness(false, true, false, 0.0, 1e9);
        double worstOther = DivergenceRank.badness(false, false, false, 0.0, 1e9);
        assertThat(broken).isGreaterThan(worstChanged);
        assertThat(changedValue).isGreaterThan(worstOther);
    }

    @Test
    void earlierDivergenceAndMoreKlRankHigherAndIdenticalIsZero() {
        assertThat(DivergenceRank.badness(false, false, false, 0.1, 0.01))
                .isGreaterThan(DivergenceRank.badness(false, false, false, 0.9, 0.01));
        assertThat(DivergenceRank.badness(false, false, false, 0.5, 0.5))
                .isGreaterThan(DivergenceRank.badness(false, false, false, 0.5, 0.01));
        assertThat(DivergenceRank.badness(false, false, true, 1.0, 0.0)).isZero();
    }
}
