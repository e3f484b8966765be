package io.quantwatch.job;

import io.quantwatch.detectors.ShadowResult;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Turns a sequence number into a replayed shadow result: recorded results cycle, each copy gets a
 * fresh request id, one of {@code tenants} tenants and an event time {@code spacingMillis} after the
 * previous one, so windows fill as they would under live traffic.
 */
public final class ReplayShadowResults implements MapFunction<Long, ShadowResult> {
    private static final long serialVersionUID = 1L;

    private final ShadowResult[] recorded;
    private final int tenants;
    private final long startMillis;
    private final double spacingMillis;

    public ReplayShadowResults(List<ShadowResult> recorded, int tenants, long startMillis, double spacingMillis) {
        this.recorded = recorded.toArray(new ShadowResult[0]);
        this.tenants = tenants;
        this.startMillis = startMillis;
        this.spacingMillis = spacingMillis;
    }

    @Override
    public ShadowResult map(Long i) {
        ShadowResult s = recorded[(int) (i % recorded.length)];
        return new ShadowResult(
                "replay-" + i,
                "tenant-" + (i % tenants),
                s.model(),
                s.task(),
                s.candidate(),
                startMillis + (long) (i * spacingMillis),
                s.outcome(),
                s.detail(),
                s.metrics(),
                s.referenceFinish(),
                s.candidateFinish(),
                s.referenceText(),
                s.candidateText());
    }
}
