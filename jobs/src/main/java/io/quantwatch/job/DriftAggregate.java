package io.quantwatch.job;

import io.quantwatch.detectors.ShadowResult;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Folds a window's shadow records into a {@link WindowAccumulator} incrementally (one accumulator per window and key, not a buffer of records). */
public final class DriftAggregate implements AggregateFunction<ShadowResult, WindowAccumulator, WindowAccumulator> {
    private static final long serialVersionUID = 1L;

    private final int keepWorst;

    public DriftAggregate(int keepWorst) {
        this.keepWorst = keepWorst;
    }

    @Override
    public WindowAccumulator createAccumulator() {
        return new WindowAccumulator(keepWorst);
    }

    @Override
    public WindowAccumulator add(ShadowResult value, WindowAccumulator acc) {
        return acc.add(value);
    }

    @Override
    public WindowAccumulator getResult(WindowAccumulator acc) {
        return acc;
    }

    @Override
    public WindowAccumulator merge(WindowAccumulator a, WindowAccumulator b) {
        return a.merge(b);
    }
}
