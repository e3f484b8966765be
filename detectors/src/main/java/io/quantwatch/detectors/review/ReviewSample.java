package io.quantwatch.detectors.review;

import io.quantwatch.detectors.JsonFailure;
import io.quantwatch.detectors.window.WindowKey;

/**
 * One of a window's worst divergent examples, texts already redacted or cut, for reviewers: what the
 * drift-samples topic carries.
 */
public record ReviewSample(
        WindowKey key,
        long windowEnd,
        String requestId,
        double badness,
        int firstDivergentToken,
        double meanKl,
        JsonFailure candidateJson,
        boolean redacted,
        String referenceText,
        String candidateText) {}
