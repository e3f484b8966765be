package io.quantwatch.detectors;

import java.io.Serializable;

/**
 * One candidate's result for one shadowed prompt, as the windows read it and the shadow-records topic publishes it:
 * the comparison's figures and both texts when there was one ({@code metrics} and the rest null otherwise), or why
 * there is none.
 */
public record ShadowResult(
        String requestId,
        String tenant,
        String model,
        String task,
        String candidate,
        long eventTimeMillis,
        Outcome outcome,
        String detail,
        ShadowMetrics metrics,
        FinishReason referenceFinish,
        FinishReason candidateFinish,
        String referenceText,
        String candidateText)
        implements Serializable {

    /** What became of the prompt for this candidate. */
    public enum Outcome {
        /** Both pipelines ran and were compared. */
        COMPARED,
        /** Not shadowed: the stage was at capacity. Counts as offered in the window; never published. */
        SHED,
        /** Nothing to compare (e.g. the candidate cannot serve this prompt). */
        SKIPPED,
        TIMEOUT,
        ERROR
    }

    /** A compared prompt. */
    public static ShadowResult compared(
            PromptIdentity prompt,
            String candidate,
            ShadowMetrics metrics,
            FinishReason referenceFinish,
            FinishReason candidateFinish,
            String referenceText,
            String candidateText) {
        return new ShadowResult(
                prompt.requestId(),
                prompt.tenant(),
                prompt.model(),
                prompt.task(),
                candidate,
                prompt.eventTimeMillis(),
                Outcome.COMPARED,
                null,
                metrics,
                referenceFinish,
                candidateFinish,
                referenceText,
                candidateText);
    }

    /** A prompt without a comparison for this candidate; {@code detail} says why. */
    public static ShadowResult withoutComparison(
            PromptIdentity prompt, String candidate, Outcome outcome, String detail) {
        if (outcome == Outcome.COMPARED) {
            throw new IllegalArgumentException("a compared result needs its metrics");
        }
        return new ShadowResult(
                prompt.requestId(),
                prompt.tenant(),
                prompt.model(),
                prompt.task(),
                candidate,
                prompt.eventTimeMillis(),
                outcome,
                detail,
                null,
                null,
                null,
                null,
                null);
    }

    /** How bad the divergence is for review ({@link ShadowMetrics#badness()}); 0 without a comparison. */
    public double badness() {
        return metrics == null ? 0 : metrics.badness();
    }

    /** Which prompt a result belongs to. */
    public record PromptIdentity(String requestId, String tenant, String model, String task, long eventTimeMillis)
            implements Serializable {}
}
