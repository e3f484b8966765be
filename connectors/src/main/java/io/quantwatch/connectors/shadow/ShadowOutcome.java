package io.quantwatch.connectors.shadow;

import io.quantwatch.detectors.FinishReason;
import io.quantwatch.detectors.ShadowMetrics;
import io.quantwatch.detectors.ShadowResult;
import java.util.List;
import java.util.Locale;

/** What shadowing one prompt produced: an outcome per candidate, or why the prompt could not be run at all. */
public sealed interface ShadowOutcome {

    /** Where a candidate's comparison stopped. */
    enum Stage {
        /** the reference decode the candidate is compared with */
        REFERENCE,
        /** the candidate's own greedy decode */
        CANDIDATE,
        /** the candidate teacher-forced on the reference's tokens */
        TEACHER_FORCING,
        /** the detectors comparing both */
        DETECTORS;

        /** The metric tag and dead-letter wording: lower case with underscores. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The dead letter's error class: a detector bug or a pipeline failure. */
        public String errorClass() {
            return this == DETECTORS ? "DETECTOR_ERROR" : "PIPELINE_ERROR";
        }
    }

    /** One candidate's part of a shadowed prompt. */
    sealed interface CandidateOutcome {
        String candidate();

        /** This outcome as the result the windows and the shadow-records topic take. */
        ShadowResult result(ShadowResult.PromptIdentity prompt);
    }

    /** The candidate compared with the reference, with both texts for divergent-sample review. */
    record Compared(
            String candidate,
            ShadowMetrics metrics,
            FinishReason referenceFinish,
            FinishReason candidateFinish,
            String referenceText,
            String candidateText)
            implements CandidateOutcome {
        @Override
        public ShadowResult result(ShadowResult.PromptIdentity prompt) {
            return ShadowResult.compared(
                    prompt, candidate, metrics, referenceFinish, candidateFinish, referenceText, candidateText);
        }
    }

    /** The candidate cannot take this prompt (e.g. longer than its NPU's static prompt length): counted, not fatal. */
    record Skipped(String candidate, String reason) implements CandidateOutcome {
        @Override
        public ShadowResult result(ShadowResult.PromptIdentity prompt) {
            return ShadowResult.withoutComparison(prompt, candidate, ShadowResult.Outcome.SKIPPED, reason);
        }
    }

    /** The candidate (or the reference it needs) missed {@code shadow.timeout} at {@code stage}. */
    record TimedOut(String candidate, Stage stage, String reason) implements CandidateOutcome {
        @Override
        public ShadowResult result(ShadowResult.PromptIdentity prompt) {
            return ShadowResult.withoutComparison(
                    prompt, candidate, ShadowResult.Outcome.TIMEOUT, stage.label() + ": " + reason);
        }
    }

    /** The candidate's pipeline or the detectors threw; {@code errorType} is the exception class. */
    record Failed(String candidate, Stage stage, String errorType, String message) implements CandidateOutcome {
        @Override
        public ShadowResult result(ShadowResult.PromptIdentity prompt) {
            return ShadowResult.withoutComparison(
                    prompt, candidate, ShadowResult.Outcome.ERROR, stage.label() + ": " + errorType + ": " + message);
        }
    }

    /** The prompt ran: one outcome per configured candidate, in configuration order. */
    record Shadowed(List<CandidateOutcome> outcomes) implements ShadowOutcome {}

    /** The prompt cannot be shadowed (for example longer than the context); the reason names the fix. */
    record Rejected(String reason, String errorKind) implements ShadowOutcome {}
}
