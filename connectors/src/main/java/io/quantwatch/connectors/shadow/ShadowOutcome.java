package io.quantwatch.connectors.shadow;

import io.quantwatch.detectors.FinishReason;
import io.quantwatch.detectors.ShadowMetrics;
import java.util.List;

/** What shadowing one prompt produced: a comparison per candidate, or why the prompt could not be run. */
public sealed interface ShadowOutcome {

    /** One candidate's comparison with the reference, with both texts for divergent-sample review. */
    record CandidateResult(String candidate, ShadowMetrics metrics, FinishReason referenceFinish, FinishReason candidateFinish,
                           String referenceText, String candidateText) {
    }

    /** A candidate that could not take this prompt (e.g. longer than its NPU's static prompt length): counted, not fatal. */
    record Skipped(String candidate, String reason) {
    }

    /** Every candidate that could take the prompt compared; the others skipped with the reason. */
    record Compared(List<CandidateResult> results, List<Skipped> skipped) implements ShadowOutcome {
    }

    /** The prompt cannot be shadowed (for example longer than the context); the reason names the fix. */
    record Rejected(String reason, String errorKind) implements ShadowOutcome {
    }
}
