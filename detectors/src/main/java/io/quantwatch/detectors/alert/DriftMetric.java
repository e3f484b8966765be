package io.quantwatch.detectors.alert;

import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.detectors.window.Rate;

/** The window figures alert rules can watch: rates (with intervals) and means (without). */
public enum DriftMetric {
    JSON_BROKEN_RATE(true),
    JSON_VALID_RATE(true),
    IDENTICAL_RATE(true),
    SAME_TOP1_RATE(true),
    EOS_EARLY_RATE(true),
    EOS_LATE_RATE(true),
    PREAMBLE_RATE(true),
    SENTENCE_BROKEN_RATE(true),
    RARE_TOKEN_MISSING_RATE(true),
    TOOL_CHANGED_RATE(true),
    ARGUMENTS_CHANGED_RATE(true),
    VALUE_CHANGED_RATE(true),
    MEAN_KL(false),
    PERPLEXITY_RATIO(false);

    private final boolean rate;

    DriftMetric(boolean rate) {
        this.rate = rate;
    }

    public boolean isRate() {
        return rate;
    }

    /** The rate behind a rate metric; null for means. */
    public Rate rate(DriftSummary s) {
        return switch (this) {
            case JSON_BROKEN_RATE -> s.jsonBroken();
            case JSON_VALID_RATE -> s.jsonValid();
            case IDENTICAL_RATE -> s.identical();
            case SAME_TOP1_RATE -> s.sameTop1();
            case EOS_EARLY_RATE -> s.eosEarly();
            case EOS_LATE_RATE -> s.eosLate();
            case PREAMBLE_RATE -> s.preamble();
            case SENTENCE_BROKEN_RATE -> s.sentenceBroken();
            case RARE_TOKEN_MISSING_RATE -> s.rareTokenMissing();
            case TOOL_CHANGED_RATE -> s.toolChanged();
            case ARGUMENTS_CHANGED_RATE -> s.argumentsChanged();
            case VALUE_CHANGED_RATE -> s.valueChanged();
            case MEAN_KL, PERPLEXITY_RATIO -> null;
        };
    }

    /** The metric's value in a window (NaN for a rate without trials). */
    public double value(DriftSummary s) {
        return switch (this) {
            case MEAN_KL -> s.meanKl();
            case PERPLEXITY_RATIO -> s.perplexityRatio();
            default -> rate(s).value();
        };
    }

    /** How many observations stand behind the value: trials for rates, prompts for means. */
    public long samples(DriftSummary s) {
        return rate ? rate(s).trials() : s.prompts();
    }
}
