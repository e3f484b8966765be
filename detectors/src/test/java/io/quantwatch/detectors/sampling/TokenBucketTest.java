package io.quantwatch.detectors.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    @Test
    void aBurstPassesThenTheRateLimits() {
        TokenBucket b = TokenBucket.full(3, 0);
        int passed = 0;
        for (int i = 0; i < 10; i++) {
            b = b.refill(1.0, 3, 0);
            if (b.hasToken()) {
                b = b.take();
                passed++;
            }
        }
        assertThat(passed).isEqualTo(3);
        assertThat(b.refill(1.0, 3, 999).hasToken()).isFalse();
        assertThat(b.refill(1.0, 3, 1000).hasToken()).isTrue();
    }

    @Test
    void refillStopsAtTheBurstAndIgnoresClockSteps() {
        TokenBucket b = TokenBucket.full(5, 1000).take().take();
        assertThat(b.refill(2.0, 5, 1_000_000).tokens()).isEqualTo(5.0);
        assertThat(b.refill(2.0, 5, 0).tokens()).isEqualTo(3.0); // time went backwards: nothing added
    }

    @Test
    void tellsWhenItIsFullAgain() {
        TokenBucket b = TokenBucket.full(4, 0).take().take();
        long ms = b.millisUntilFull(0.5, 4);
        assertThat(ms).isEqualTo(4000);
        assertThat(b.refill(0.5, 4, ms).tokens()).isEqualTo(4.0);
    }
}
