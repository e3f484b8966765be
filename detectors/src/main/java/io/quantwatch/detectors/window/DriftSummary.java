package io.quantwatch.detectors.window;

import io.quantwatch.detectors.JsonFailure;
import io.quantwatch.detectors.RepetitionDrift;
import java.util.Map;

/**
 * A window's drift figures for one (model, candidate, task, tenant) key: what the drift-metrics
 * topic carries and alert rules read. Rates come with Wilson 95 % intervals; percentiles from DDSketch;
 * {@code coverage} says how much of the offered traffic the figures come from. The tool, arguments and value
 * rates count prompts whose two outputs both parsed as JSON ({@link io.quantwatch.detectors.JsonTreeDrift}).
 */
public record DriftSummary(
        long prompts,
        Rate identical,
        Rate sameTop1,
        double meanKl,
        double klP50,
        double klP95,
        double klP99,
        double perplexityRatio,
        double meanDeltaP,
        double fdtRatioP50,
        double sdtRatioP50,
        Rate jsonValid,
        Rate jsonBroken,
        Map<JsonFailure, Long> jsonFailures,
        double lengthRatioP50,
        Rate eosEarly,
        Rate eosLate,
        double repeatIncreaseP95,
        Map<RepetitionDrift.DivergenceBucket, Long> firstDivergence,
        Rate preamble,
        Rate sentenceBroken,
        Rate rareTokenMissing,
        Rate toolChanged,
        Rate argumentsChanged,
        Rate valueChanged,
        ShadowCoverage coverage) {}
