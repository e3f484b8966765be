package io.quantwatch.job;

import io.quantwatch.detectors.window.WindowKey;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Attaches the key and bounds to a closed window's accumulator. */
public final class CloseWindow extends ProcessWindowFunction<WindowAccumulator, KeyedWindow, WindowKey, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void process(WindowKey key, Context ctx, Iterable<WindowAccumulator> elements, Collector<KeyedWindow> out) {
        out.collect(new KeyedWindow(
                key,
                ctx.window().getStart(),
                ctx.window().getEnd(),
                elements.iterator().next()));
    }
}
