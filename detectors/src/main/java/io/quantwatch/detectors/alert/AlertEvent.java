package io.quantwatch.detectors.alert;

import io.quantwatch.detectors.window.WindowKey;

/** An alert changing state on one key at the end of a window: what the drift-alerts topic carries. */
public record AlertEvent(WindowKey key, long windowEnd, AlertTransition transition) {}
