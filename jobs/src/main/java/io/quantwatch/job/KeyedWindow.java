package io.quantwatch.job;

import io.quantwatch.detectors.window.WindowKey;

/**
 * A closed window's accumulator with its key and bounds: what the per-key windows hand to the
 * candidate roll-up (which merges accumulators, not records) and to the output stage.
 */
public record KeyedWindow(WindowKey key, long start, long end, WindowAccumulator accumulator) {}
