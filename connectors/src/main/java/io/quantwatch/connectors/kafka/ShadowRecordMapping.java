package io.quantwatch.connectors.kafka;

import io.quantwatch.detectors.DistributionDrift;
import io.quantwatch.detectors.FinishReason;
import io.quantwatch.detectors.InstructionSlips;
import io.quantwatch.detectors.JsonTreeDrift;
import io.quantwatch.detectors.JsonVerdict;
import io.quantwatch.detectors.LengthDrift;
import io.quantwatch.detectors.RareTokenLoss;
import io.quantwatch.detectors.RepetitionDrift;
import io.quantwatch.detectors.ShadowMetrics;
import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.TokenDivergence;
import io.quantwatch.schemas.ComparisonOutcome;
import io.quantwatch.schemas.Finish;
import io.quantwatch.schemas.JsonFailure;
import io.quantwatch.schemas.JsonTreeChange;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ShadowRecord;
import java.time.Instant;

/**
 * Converts between the domain's {@link ShadowMetrics} and the Avro {@link ShadowRecord} of the
 * shadow-records topic. {@link #toMetrics} restores every figure a drift window reads, so windows
 * built from replayed records equal windows built in the shadow operator.
 */
public final class ShadowRecordMapping {
    private ShadowRecordMapping() {}

    /** Which prompt a shadow result belongs to, from the decoded prompt. */
    public static ShadowResult.PromptIdentity identity(PromptEvent e) {
        return new ShadowResult.PromptIdentity(
                e.getRequestId(),
                e.getTenant(),
                e.getModel(),
                e.getTask(),
                e.getEventTime().toEpochMilli());
    }

    /** A result as its record on the shadow-records topic. */
    public static ShadowRecord toAvro(ShadowResult r) {
        if (r.outcome() != ShadowResult.Outcome.COMPARED) {
            return withoutComparison(r);
        }
        ShadowMetrics m = r.metrics();
        TokenDivergence d = m.divergence();
        DistributionDrift dist = m.distribution();
        return identified(r)
                .setReferenceTokens(d.referenceLength())
                .setCandidateTokens(d.candidateLength())
                .setReferenceFinish(Finish.valueOf(r.referenceFinish().name()))
                .setCandidateFinish(Finish.valueOf(r.candidateFinish().name()))
                .setFirstDivergentToken(d.firstDivergentToken())
                .setDivergentTokens(d.divergentTokens())
                .setEditDistance(d.editDistance())
                .setPositionalAgreement(m.positionalAgreement())
                .setPositions(dist.positions())
                .setKlSum(dist.klSum())
                .setKlMax(dist.klMax())
                .setSameTop1(dist.sameTop1())
                .setDeltaPSum(dist.deltaPSum())
                .setReferenceNll(dist.referenceNll())
                .setCandidateNll(dist.candidateNll())
                .setApproximate(false)
                .setJsonExpected(m.jsonExpected())
                .setReferenceJson(
                        JsonFailure.valueOf(m.referenceJson().failure().name()))
                .setCandidateJson(
                        JsonFailure.valueOf(m.candidateJson().failure().name()))
                .setEosEarly(m.length().eosEarly())
                .setEosLate(m.length().eosLate())
                .setReferenceRepeatRate(m.repetition().referenceRepeatRate())
                .setCandidateRepeatRate(m.repetition().candidateRepeatRate())
                .setPreambleAdded(m.slips().addedPreamble())
                .setSentenceConstraint(m.slips().sentenceConstraint())
                .setSentenceCountBroken(m.slips().sentenceCountBroken())
                .setRareMissing(m.rareTokens().missingFromTop10())
                .setReferenceText(r.referenceText())
                .setCandidateText(r.candidateText())
                .setOutcome(ComparisonOutcome.COMPARED)
                .setJsonTree(tree(m.tree()))
                .build();
    }

    /** A record builder with the result's prompt and candidate set. */
    private static ShadowRecord.Builder identified(ShadowResult r) {
        return ShadowRecord.newBuilder()
                .setRequestId(r.requestId())
                .setTenant(r.tenant())
                .setModel(r.model())
                .setTask(r.task())
                .setCandidate(r.candidate())
                .setEventTime(Instant.ofEpochMilli(r.eventTimeMillis()));
    }

    /** A record whose figures are all zero; its detail says why. */
    private static ShadowRecord withoutComparison(ShadowResult r) {
        return identified(r)
                .setReferenceTokens(0)
                .setCandidateTokens(0)
                .setReferenceFinish(Finish.EOS)
                .setCandidateFinish(Finish.EOS)
                .setFirstDivergentToken(0)
                .setDivergentTokens(0)
                .setEditDistance(0)
                .setPositionalAgreement(0)
                .setPositions(0)
                .setKlSum(0)
                .setKlMax(0)
                .setSameTop1(0)
                .setDeltaPSum(0)
                .setReferenceNll(0)
                .setCandidateNll(0)
                .setApproximate(false)
                .setJsonExpected(false)
                .setReferenceJson(JsonFailure.NONE)
                .setCandidateJson(JsonFailure.NONE)
                .setEosEarly(false)
                .setEosLate(false)
                .setReferenceRepeatRate(0)
                .setCandidateRepeatRate(0)
                .setPreambleAdded(false)
                .setSentenceConstraint(false)
                .setSentenceCountBroken(false)
                .setRareMissing(0)
                .setOutcome(ComparisonOutcome.valueOf(r.outcome().name()))
                .setOutcomeDetail(r.detail())
                .build();
    }

    /**
     * A record read back from the topic (replays, the benchmark) as a result. What the topic does not carry is
     * restored as unknown: JSON failure details, the candidate's sentence count (-1).
     */
    public static ShadowResult toResult(ShadowRecord r) {
        ShadowResult.PromptIdentity prompt = new ShadowResult.PromptIdentity(
                r.getRequestId(),
                r.getTenant(),
                r.getModel(),
                r.getTask(),
                r.getEventTime().toEpochMilli());
        ShadowResult.Outcome outcome = outcome(r.getOutcome());
        if (outcome != ShadowResult.Outcome.COMPARED) {
            return ShadowResult.withoutComparison(prompt, r.getCandidate(), outcome, r.getOutcomeDetail());
        }
        return ShadowResult.compared(
                prompt,
                r.getCandidate(),
                toMetrics(r),
                FinishReason.valueOf(r.getReferenceFinish().name()),
                FinishReason.valueOf(r.getCandidateFinish().name()),
                r.getReferenceText(),
                r.getCandidateText());
    }

    /** A symbol newer than this release reads as SKIPPED: counted as offered and shadowed, never compared. */
    private static ShadowResult.Outcome outcome(ComparisonOutcome o) {
        try {
            return ShadowResult.Outcome.valueOf(o.name());
        } catch (IllegalArgumentException e) {
            return ShadowResult.Outcome.SKIPPED;
        }
    }

    /** The metrics a window needs, restored from a record (JSON failure details are not carried). */
    private static ShadowMetrics toMetrics(ShadowRecord r) {
        TokenDivergence d = new TokenDivergence(
                r.getFirstDivergentToken(),
                r.getDivergentTokens(),
                r.getReferenceTokens(),
                r.getCandidateTokens(),
                r.getEditDistance());
        DistributionDrift dist = new DistributionDrift(
                r.getPositions(),
                r.getKlSum(),
                r.getKlMax(),
                r.getSameTop1(),
                r.getDeltaPSum(),
                r.getReferenceNll(),
                r.getCandidateNll());
        return new ShadowMetrics(
                d,
                r.getPositionalAgreement(),
                dist,
                r.getJsonExpected(),
                verdict(r.getReferenceJson()),
                verdict(r.getCandidateJson()),
                new LengthDrift(r.getReferenceTokens(), r.getCandidateTokens(), r.getEosEarly(), r.getEosLate()),
                new RepetitionDrift(
                        r.getReferenceRepeatRate(),
                        r.getCandidateRepeatRate(),
                        RepetitionDrift.DivergenceBucket.of(d.firstDivergentToken(), d.identical())),
                new InstructionSlips(r.getPreambleAdded(), r.getSentenceConstraint(), r.getSentenceCountBroken(), -1),
                new RareTokenLoss(r.getPositions(), r.getRareMissing()),
                treeDrift(r.getJsonTree()));
    }

    private static JsonTreeChange tree(JsonTreeDrift t) {
        return !t.compared()
                ? null
                : new JsonTreeChange(
                        t.toolChanged(),
                        t.keysAdded(),
                        t.keysRemoved(),
                        t.leaves(),
                        t.numbersChanged(),
                        t.stringsChanged(),
                        t.booleansChanged(),
                        t.typesChanged(),
                        t.maxNumberRelativeError());
    }

    /** A record's tree comparison ({@link JsonTreeDrift#NOT_COMPARED} when it has none). */
    private static JsonTreeDrift treeDrift(JsonTreeChange t) {
        return t == null
                ? JsonTreeDrift.NOT_COMPARED
                : new JsonTreeDrift(
                        true,
                        t.getToolChanged(),
                        t.getKeysAdded(),
                        t.getKeysRemoved(),
                        t.getLeaves(),
                        t.getNumbersChanged(),
                        t.getStringsChanged(),
                        t.getBooleansChanged(),
                        t.getTypesChanged(),
                        t.getMaxNumberRelativeError());
    }

    private static JsonVerdict verdict(JsonFailure f) {
        return new JsonVerdict(io.quantwatch.detectors.JsonFailure.valueOf(f.name()), "");
    }
}
