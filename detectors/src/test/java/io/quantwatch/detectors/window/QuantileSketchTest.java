package io.quantwatch.detectors.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Percentiles within 1 % relative error, never outside the observed range, and the same after encoding. */
class QuantileSketchTest {

    @Test
    void boundedMetricsNeverPrintOutsideWhatWasSeen() {
        QuantileSketch s = new QuantileSketch();
        for (int i = 0; i < 10; i++) {
            s.add(1.0);
        }
        assertThat(s.quantile(0.5)).isEqualTo(1.0);
        assertThat(QuantileSketch.fromBytes(s.toBytes()).quantile(0.99)).isEqualTo(1.0);
        assertThat(new QuantileSketch().quantile(0.5)).isNaN();
    }

    @Test
    void quantilesAreWithinOnePercentAndSurviveEncoding() {
        QuantileSketch s = new QuantileSketch();
        for (int i = 1; i <= 1000; i++) {
            s.add(i / 1000.0);
        }
        s.add(Double.NaN); // ignored, like infinities
        assertThat(s.count()).isEqualTo(1000);
        assertThat(s.quantile(0.95)).isCloseTo(0.95, within(0.0096));
        QuantileSketch back = QuantileSketch.fromBytes(s.toBytes());
        assertThat(back.quantile(0.95)).isEqualTo(s.quantile(0.95));
        back.merge(s);
        assertThat(back.count()).isEqualTo(2000);
    }
}
