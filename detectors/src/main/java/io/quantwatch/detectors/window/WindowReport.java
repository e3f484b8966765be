package io.quantwatch.detectors.window;

import io.quantwatch.detectors.alert.Verdict;

/** A closed window's figures and verdict for one key: what the drift-metrics topic carries and alert rules read. */
public record WindowReport(WindowKey key, long start, long end, DriftSummary summary, Verdict verdict) {}
