package io.quantwatch.job;

import io.quantwatch.schemas.ShadowRecord;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Turns a sequence number into a replayed shadow record: recorded records cycle, each copy gets a
 * fresh request id, one of {@code tenants} tenants and an event time {@code spacingMillis} after the
 * previous one, so windows fill as they would under live traffic.
 */
public final class ReplayShadowRecords implements MapFunction<Long, ShadowRecord> {
    private static final long serialVersionUID = 1L;

    private final ShadowRecord[] recorded;
    private final int tenants;
    private final long startMillis;
    private final double spacingMillis;

    public ReplayShadowRecords(List<ShadowRecord> recorded, int tenants, long startMillis, double spacingMillis) {
        this.recorded = recorded.toArray(new ShadowRecord[0]);
        this.tenants = tenants;
        this.startMillis = startMillis;
        this.spacingMillis = spacingMillis;
    }

    @Override
    public ShadowRecord map(Long i) {
        ShadowRecord source = recorded[(int) (i % recorded.length)];
        ShadowRecord r = new ShadowRecord();
        for (int f = 0; f < source.getSchema().getFields().size(); f++) {
            r.put(f, source.get(f)); // shallow copy: values are immutable
        }
        r.setRequestId("replay-" + i);
        r.setTenant("tenant-" + (i % tenants));
        r.setEventTime(Instant.ofEpochMilli(startMillis + (long) (i * spacingMillis)));
        return r;
    }
}
