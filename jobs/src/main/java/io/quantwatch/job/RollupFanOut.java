package io.quantwatch.job;

import io.quantwatch.schemas.ShadowRecord;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Sends each shadow record to its own (task, tenant) window and to its candidate's roll-up window
 * (task and tenant {@value #ALL}), so operators see per-candidate totals and alerts fire on them even
 * when per-tenant windows are too thin to be confident.
 */
public final class RollupFanOut implements FlatMapFunction<ShadowRecord, ShadowRecord> {
    private static final long serialVersionUID = 1L;

    public static final String ALL = "*";

    @Override
    public void flatMap(ShadowRecord r, Collector<ShadowRecord> out) {
        out.collect(r);
        ShadowRecord all = new ShadowRecord();
        for (int f = 0; f < r.getSchema().getFields().size(); f++) {
            all.put(f, r.get(f)); // shallow: the copy shares the original's immutable values
        }
        all.setTask(ALL);
        all.setTenant(ALL);
        out.collect(all);
    }
}
