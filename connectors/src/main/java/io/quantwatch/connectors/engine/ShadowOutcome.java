package io.quantwatch.connectors.engine;

import io.quantwatch.detectors.FinishReason;
import io.quantwatch.detectors.ShadowMetrics;
import java.util.List;

/** What shadowing one prompt produced: a comparison per candidate, or why the prompt could not be run. */
public sealed interface ShadowOutcome {

    /** One candidate's comparison with the reference, with both texts for divergent-sample review. */
    record CandidateResult(String candidate, ShadowMetrics metrics, FinishReason referenceFinish, FinishReason candidateFinish,
                           String referenceText, String candidateText) {
    }

    /** Every candidate compared. */
    record Compared(List<CandidateResult> results) implements ShadowOutcome {
    }

    /** The prompt cannot be shadowed (for example longer than the context); the reason names the fix. */
    record Rejected(String reason, String errorKind) implements ShadowOutcome {
    }
}
