package io.quantwatch.detectors;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Token divergence, length, repetition, instruction and rare-token detectors on hand-written cases. */
class DivergenceDetectorsTest {

    @Test
    void identicalOutputsHaveNoDivergence() {
        TokenDivergence d = TokenDivergence.of(new int[] {5, 6, 7}, new int[] {5, 6, 7});
        assertThat(d.identical()).isTrue();
        assertThat(d.firstDivergentToken()).isEqualTo(3);
        assertThat(d.divergentTokens()).isZero();
        assertThat(d.editDistance()).isZero();
        assertThat(d.firstDivergenceRatio()).isEqualTo(1.0);
        assertThat(d.divergentTokenRatio()).isZero();
    }

    @Test
    void oneFlipMidwayIsFoundAndCounted() {
        int[] ref = {1, 2, 3, 4, 5, 6};
        int[] cand = {1, 2, 9, 4, 5, 6};
        TokenDivergence d = TokenDivergence.of(ref, cand);
        assertThat(d.firstDivergentToken()).isEqualTo(2);
        assertThat(d.divergentTokens()).isEqualTo(1); // one token to correct
        assertThat(d.editDistance()).isEqualTo(1);
        assertThat(d.firstDivergenceRatio()).isEqualTo(2 / 6.0);
        assertThat(d.positionalAgreement(ref, cand)).isEqualTo(5 / 6.0);
    }

    @Test
    void aShiftedContinuationStillMatchesMostTokens() {
        int[] ref = {1, 2, 3, 4, 5, 6};
        int[] cand = {1, 7, 2, 3, 4, 5, 6}; // one inserted token shifts everything after it
        TokenDivergence d = TokenDivergence.of(ref, cand);
        assertThat(d.firstDivergentToken()).isEqualTo(1);
        assertThat(d.divergentTokens()).isEqualTo(1);
        assertThat(d.positionalAgreement(ref, cand)).isEqualTo(1 / 7.0); // positional agreement collapses, SDT does not
    }

    @Test
    void emptySidesFollowWhoWhatBenchmark() {
        assertThat(TokenDivergence.of(new int[0], new int[0]).divergentTokenRatio())
                .isZero();
        TokenDivergence emptyCandidate = TokenDivergence.of(new int[] {1, 2}, new int[0]);
        assertThat(emptyCandidate.firstDivergentToken()).isZero();
        assertThat(emptyCandidate.divergentTokens()).isEqualTo(2);
        assertThat(emptyCandidate.divergentTokenRatio()).isEqualTo(1.0);
        assertThat(TokenDivergence.of(new int[0], new int[] {3}).divergentTokens())
                .isEqualTo(1);
    }

    @Test
    void lengthDriftSeparatesTruncationFromRambling() {
        LengthDrift early = LengthDrift.of(40, FinishReason.EOS, 12, FinishReason.EOS);
        assertThat(early.eosEarly()).isTrue();
        assertThat(early.eosLate()).isFalse();
        assertThat(early.ratio()).isEqualTo(0.3);
        LengthDrift late = LengthDrift.of(40, FinishReason.EOS, 256, FinishReason.MAX_TOKENS);
        assertThat(late.eosLate()).isTrue();
        assertThat(late.eosEarly()).isFalse();
        LengthDrift both256 = LengthDrift.of(256, FinishReason.MAX_TOKENS, 256, FinishReason.MAX_TOKENS);
        assertThat(both256.eosLate()).isFalse();
        assertThat(LengthDrift.of(0, FinishReason.EOS, 0, FinishReason.EOS).ratio())
                .isEqualTo(1.0);
    }

    @Test
    void repetitionRateSeesLoops() {
        assertThat(RepetitionDrift.repeatRate(new int[] {1, 2, 3, 4, 5, 6, 7, 8}))
                .isZero();
        int[] loop = {1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4};
        assertThat(RepetitionDrift.repeatRate(loop)).isEqualTo(5 / 9.0);
        assertThat(RepetitionDrift.repeatRate(new int[] {1, 2})).isZero();
        RepetitionDrift d = RepetitionDrift.of(
                new int[] {1, 2, 3, 4, 5, 6, 7, 8}, loop, TokenDivergence.of(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, loop));
        assertThat(d.repeatRateIncrease()).isEqualTo(5 / 9.0);
        assertThat(d.divergence()).isEqualTo(RepetitionDrift.DivergenceBucket.FIRST_8);
        assertThat(RepetitionDrift.DivergenceBucket.of(200, false))
                .isEqualTo(RepetitionDrift.DivergenceBucket.FROM_128_TO_512);
    }

    @Test
    void instructionSlipsAreOnlyTheCandidatesOwn() {
        InstructionSlips s = InstructionSlips.of("ka domu rasa", "Here is the translation: ka domu rasa", null);
        assertThat(s.addedPreamble()).isTrue();
        assertThat(InstructionSlips.of("Sure, here.", "Sure, here.", null).addedPreamble())
                .isFalse();
        InstructionSlips broken = InstructionSlips.of(
                "Bees live in colonies. A queen lays eggs.",
                "Bees live in colonies. A queen lays eggs. Workers collect nectar.",
                2);
        assertThat(broken.sentenceCountBroken()).isTrue();
        assertThat(broken.candidateSentences()).isEqualTo(3);
        assertThat(InstructionSlips.sentences("One. Two! Three? four")).isEqualTo(4);
        assertThat(InstructionSlips.sentences("")).isZero();
        assertThat(InstructionSlips.sentences("Pi is 3.14 roughly.")).isEqualTo(1);
    }

    @Test
    void rareTokensMissingFromTheCandidatesTop10AreCounted() {
        int[] ref = {100, 7, 3};
        int[][] top = {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100}, {7}, {3, 4}};
        RareTokenLoss loss = RareTokenLoss.of(ref, top);
        assertThat(loss.missingFromTop10()).isEqualTo(1); // 100 is 11th
        assertThat(loss.missingRate()).isEqualTo(1 / 3.0);
        assertThat(RareTokenLoss.of(new int[0], new int[0][]).missingRate()).isZero();
    }
}
