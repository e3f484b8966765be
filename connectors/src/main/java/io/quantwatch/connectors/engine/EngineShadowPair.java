package io.quantwatch.connectors.engine;

import io.quantwatch.detectors.CandidateAnswer;
import io.quantwatch.detectors.DecodeOutput;
import io.quantwatch.detectors.FinishReason;
import io.quantwatch.detectors.TeacherForcedScores;
import io.quantwatch.detectors.TopToken;
import io.quantwatch.detectors.port.ShadowPipelines;
import io.quantwatch.engine.generate.GenerationTrace;
import io.quantwatch.engine.generate.GreedyDecoder;
import io.quantwatch.engine.generate.PairedScorer;
import io.quantwatch.engine.generate.TokenLogprob;
import io.quantwatch.engine.model.DecodingSession;
import io.quantwatch.engine.model.InferenceSession;
import io.quantwatch.engine.model.LlamaModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The engine behind the detectors' inputs: a reference and a candidate model in one JVM, each with
 * its own session, so that the candidate can be teacher-forced on the reference's tokens with exact
 * full-vocabulary KL. Not thread-safe (sessions are per request); models may be shared.
 */
public final class EngineShadowPair implements ShadowPipelines {
    /** Alternatives kept per step: enough for the rare-token detector's top-10. */
    public static final int TOP_K = 10;

    private final LlamaModel reference;
    private final InferenceSession referenceSession;
    private final DecodingSession candidateSession;
    private final GreedyDecoder referenceDecoder;
    private final GreedyDecoder candidateDecoder;
    private final PairedScorer scorer;
    private final boolean verifyCandidate;
    private final ReferenceLogits shared;

    /**
     * @param verifyCandidate read the candidate's answer off the teacher-forced pass over the reference's answer and
     *     decode only past its first divergence (exact: same answer as decoding it alone), rather than decoding it
     *     from scratch
     */
    public EngineShadowPair(
            LlamaModel reference, LlamaModel candidate, int threads, int contextTokens, boolean verifyCandidate) {
        this(reference, candidate, threads, contextTokens, verifyCandidate, InferenceSession.DEFAULT_BLOCK, null);
    }

    /**
     * As above, with sessions feeding at most {@code blockTokens} per batched pass (1: token by token), and the
     * reference's logits kept in {@code shared} (may be null) by whichever pair of that reference decodes it, for
     * every pair's verified decode to read.
     */
    public EngineShadowPair(
            LlamaModel reference,
            LlamaModel candidate,
            int threads,
            int contextTokens,
            boolean verifyCandidate,
            int blockTokens,
            ReferenceLogits shared) {
        this(
                reference,
                candidate.newSession(threads, contextTokens, blockTokens),
                threads,
                contextTokens,
                verifyCandidate,
                blockTokens,
                shared);
    }

    /**
     * The engine's reference against a candidate computed elsewhere ({@code candidateSession}: llama.cpp running a GGUF
     * of the same vocabulary), decoded, teacher-forced and verified the same way; the pair closes that session.
     */
    public EngineShadowPair(
            LlamaModel reference,
            DecodingSession candidateSession,
            int threads,
            int contextTokens,
            boolean verifyCandidate,
            int blockTokens,
            ReferenceLogits shared) {
        this.reference = reference;
        this.verifyCandidate = verifyCandidate;
        this.shared = shared;
        this.referenceSession = reference.newSession(threads, contextTokens, blockTokens);
        this.candidateSession = candidateSession;
        this.referenceDecoder = new GreedyDecoder(referenceSession, TOP_K);
        this.candidateDecoder = new GreedyDecoder(candidateSession, TOP_K);
        this.scorer = new PairedScorer(referenceSession, candidateSession);
    }

    @Override
    public String referenceKey() {
        return "engine:" + System.identityHashCode(reference);
    }

    @Override
    public Optional<String> cannotTake(int[] promptTokens, int maxTokens) {
        return Optional.empty(); // the context check is the runner's; the engine has no other limit
    }

    @Override
    public int contextLength() {
        // What the sessions were sized for (the model's context, or less as configured), not the file's claim.
        return referenceSession.capacity();
    }

    /** Prompt text to token ids, BOS first, with the reference's tokenizer (both share it). */
    @Override
    public int[] encodePrompt(String prompt) {
        return reference.tokenizer().encode(prompt, true);
    }

    @Override
    public DecodeOutput generateReference(int[] prompt, int maxTokens, List<String> stops) {
        if (shared == null
                || !verifyCandidate
                || !ReferenceLogits.worthKeeping(maxTokens, reference.config().vocabSize())) {
            return toDecodeOutput(referenceDecoder.generate(prompt, maxTokens, stops));
        }
        List<float[]> rows = new ArrayList<>();
        DecodeOutput answer = toDecodeOutput(referenceDecoder.generate(prompt, maxTokens, stops, rows));
        shared.keep(answer, rows);
        return answer;
    }

    @Override
    public DecodeOutput generateCandidate(int[] prompt, int maxTokens, List<String> stops) {
        return toDecodeOutput(candidateDecoder.generate(prompt, maxTokens, stops));
    }

    /** The candidate teacher-forced on the reference's tokens: exact KL at every position. */
    @Override
    public TeacherForcedScores teacherForce(int[] prompt, int[] referenceTokens) {
        return toScores(scorer.compare(prompt, referenceTokens, TOP_K));
    }

    @Override
    public CandidateAnswer answerAndCompare(
            int[] prompt, DecodeOutput reference, int maxTokens, List<String> stops, Runnable teacherForcingStarts) {
        if (!verifyCandidate) {
            return ShadowPipelines.super.answerAndCompare(prompt, reference, maxTokens, stops, teacherForcingStarts);
        }
        PairedScorer.Verified v = scorer.compareAndDecode(
                prompt, reference.tokens(), maxTokens, stops, TOP_K, shared == null ? null : shared.rowsOf(reference));
        return new CandidateAnswer(toDecodeOutput(v.candidate()), toScores(v.comparison()));
    }

    private static TeacherForcedScores toScores(PairedScorer.Comparison c) {
        return new TeacherForcedScores(
                c.kl(), c.sameTop1(), c.deltaP(), c.referenceLogprob(), c.candidateLogprob(), c.candidateTopIds());
    }

    private DecodeOutput toDecodeOutput(GenerationTrace t) {
        List<TopToken[]> steps = new ArrayList<>(t.topK().size());
        for (TokenLogprob[] step : t.topK()) {
            TopToken[] s = new TopToken[step.length];
            for (int i = 0; i < step.length; i++) {
                s[i] = new TopToken(step[i].token(), step[i].logprob());
            }
            steps.add(s);
        }
        return new DecodeOutput(
                t.tokens(),
                reference.tokenizer().decode(t.tokens()),
                FinishReason.valueOf(t.finishReason().name()),
                steps);
    }

    @Override
    public void close() {
        referenceSession.close();
        candidateSession.close();
    }
}
