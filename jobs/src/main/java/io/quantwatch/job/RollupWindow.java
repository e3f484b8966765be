package io.quantwatch.job;

import io.quantwatch.detectors.window.WindowKey;
import org.apache.flink.api.common.functions.ReduceFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The candidate roll-up: merges the closed per-(task, tenant) windows of one candidate and one
 * window interval into a single window keyed with task and tenant {@value #ALL}. Accumulators are
 * mergeable, so the roll-up costs one merge per key and window instead of a second pass over every
 * record.
 */
public final class RollupWindow {
    public static final String ALL = WindowKey.ALL;

    private RollupWindow() {}

    /** The roll-up key of a per-key window. */
    public static WindowKey rollupKey(KeyedWindow w) {
        return w.key().rollup();
    }

    /** Merges two closed windows of the same interval. */
    public static final class Merge implements ReduceFunction<KeyedWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public KeyedWindow reduce(KeyedWindow a, KeyedWindow b) {
            return new KeyedWindow(a.key(), a.start(), a.end(), a.accumulator().merge(b.accumulator()));
        }
    }

    /** Labels the merged window with the roll-up key; the interval is the per-key windows' own. */
    public static final class Label extends ProcessWindowFunction<KeyedWindow, KeyedWindow, WindowKey, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(WindowKey key, Context ctx, Iterable<KeyedWindow> merged, Collector<KeyedWindow> out) {
            KeyedWindow w = merged.iterator().next();
            out.collect(new KeyedWindow(key, w.start(), w.end(), w.accumulator()));
        }
    }
}
