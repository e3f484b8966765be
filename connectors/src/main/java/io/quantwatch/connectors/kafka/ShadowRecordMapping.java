package io.quantwatch.connectors.kafka;

import io.quantwatch.detectors.DistributionDrift;
import io.quantwatch.detectors.InstructionSlips;
import io.quantwatch.detectors.JsonVerdict;
import io.quantwatch.detectors.LengthDrift;
import io.quantwatch.detectors.RareTokenLoss;
import io.quantwatch.detectors.RepetitionDrift;
import io.quantwatch.detectors.ShadowMetrics;
import io.quantwatch.detectors.TokenDivergence;
import io.quantwatch.schemas.Finish;
import io.quantwatch.schemas.JsonFailure;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ShadowRecord;

/**
 * Converts between the domain's {@link ShadowMetrics} and the Avro {@link ShadowRecord} of the
 * shadow-records topic. {@link #toMetrics} restores every figure a drift window reads, so windows
 * built from replayed records equal windows built in the shadow operator.
 */
public final class ShadowRecordMapping {
    private ShadowRecordMapping() {
    }

    public static ShadowRecord toAvro(PromptEvent prompt, String candidate, ShadowMetrics m,
                                      io.quantwatch.detectors.FinishReason referenceFinish,
                                      io.quantwatch.detectors.FinishReason candidateFinish,
                                      String referenceText, String candidateText) {
        TokenDivergence d = m.divergence();
        DistributionDrift dist = m.distribution();
        return ShadowRecord.newBuilder()
                .setRequestId(prompt.getRequestId())
                .setTenant(prompt.getTenant())
                .setModel(prompt.getModel())
                .setTask(prompt.getTask())
                .setCandidate(candidate)
                .setEventTime(prompt.getEventTime())
                .setReferenceTokens(d.referenceLength())
                .setCandidateTokens(d.candidateLength())
                .setReferenceFinish(Finish.valueOf(referenceFinish.name()))
                .setCandidateFinish(Finish.valueOf(candidateFinish.name()))
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
                .setApproximate(dist.approximate())
                .setJsonExpected(m.jsonExpected())
                .setReferenceJson(JsonFailure.valueOf(m.referenceJson().failure().name()))
                .setCandidateJson(JsonFailure.valueOf(m.candidateJson().failure().name()))
                .setEosEarly(m.length().eosEarly())
                .setEosLate(m.length().eosLate())
                .setReferenceRepeatRate(m.repetition().referenceRepeatRate())
                .setCandidateRepeatRate(m.repetition().candidateRepeatRate())
                .setPreambleAdded(m.slips().addedPreamble())
                .setSentenceConstraint(m.slips().sentenceConstraint())
                .setSentenceCountBroken(m.slips().sentenceCountBroken())
                .setRareMissing(m.rareTokens().missingFromTop10())
                .setReferenceText(referenceText)
                .setCandidateText(candidateText)
                .build();
    }

    /** The metrics a window needs, restored from a record (JSON failure details are not carried). */
    public static ShadowMetrics toMetrics(ShadowRecord r) {
        TokenDivergence d = new TokenDivergence(r.getFirstDivergentToken(), r.getDivergentTokens(), r.getReferenceTokens(),
                r.getCandidateTokens(), r.getEditDistance());
        DistributionDrift dist = new DistributionDrift(r.getPositions(), r.getKlSum(), r.getKlMax(), r.getSameTop1(),
                r.getDeltaPSum(), r.getReferenceNll(), r.getCandidateNll(), r.getApproximate());
        return new ShadowMetrics(d, r.getPositionalAgreement(), dist, r.getJsonExpected(), verdict(r.getReferenceJson()),
                verdict(r.getCandidateJson()),
                new LengthDrift(r.getReferenceTokens(), r.getCandidateTokens(), r.getEosEarly(), r.getEosLate()),
                new RepetitionDrift(r.getReferenceRepeatRate(), r.getCandidateRepeatRate(),
                        RepetitionDrift.DivergenceBucket.of(d.firstDivergentToken(), d.identical())),
                new InstructionSlips(r.getPreambleAdded(), r.getSentenceConstraint(), r.getSentenceCountBroken(), -1),
                new RareTokenLoss(r.getPositions(), r.getRareMissing()));
    }

    private static JsonVerdict verdict(JsonFailure f) {
        return new JsonVerdict(io.quantwatch.detectors.JsonFailure.valueOf(f.name()), "");
    }
}
