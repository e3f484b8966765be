package io.quantwatch.detectors.port;

import io.quantwatch.detectors.CandidateAnswer;
import io.quantwatch.detectors.DecodeOutput;
import io.quantwatch.detectors.TeacherForcedScores;
import java.util.List;
import java.util.Optional;

/**
 * The pipeline port: a reference and a candidate pipeline that share a tokenizer, as every
 * backend (the in-JVM engine, OpenVINO on CPU/GPU/NPU) provides them to the shadow operator. Not
 * thread-safe: one instance per shadow subtask.
 */
public interface ShadowPipelines extends AutoCloseable {

    /** Identifies the reference: pairs with the same key share one reference decode per prompt. */
    String referenceKey();

    /** Prompt text to token ids, as the models expect them (BOS included when they use one). */
    int[] encodePrompt(String prompt);

    /** Why the candidate cannot take this prompt (e.g. longer than an NPU's static prompt length), or empty. */
    Optional<String> cannotTake(int[] promptTokens, int maxTokens);

    /** The most tokens prompt and answer may hold together. */
    int contextLength();

    DecodeOutput generateReference(int[] prompt, int maxTokens, List<String> stops);

    DecodeOutput generateCandidate(int[] prompt, int maxTokens, List<String> stops);

    /** The candidate teacher-forced on the reference's tokens, compared position by position. */
    TeacherForcedScores teacherForce(int[] prompt, int[] referenceTokens);

    /**
     * The candidate's greedy answer and its teacher-forced comparison with the reference's answer. This default
     * decodes the candidate, calls {@code teacherForcingStarts}, then teacher-forces; a backend that reads the
     * candidate's answer off the teacher-forced pass (exact speculative decoding, the reference's answer being the
     * draft) overrides it, and must return exactly what this default would.
     */
    default CandidateAnswer answerAndCompare(
            int[] prompt, DecodeOutput reference, int maxTokens, List<String> stops, Runnable teacherForcingStarts) {
        DecodeOutput answer = generateCandidate(prompt, maxTokens, stops);
        teacherForcingStarts.run();
        return new CandidateAnswer(answer, teacherForce(prompt, reference.tokens()));
    }

    @Override
    void close();
}
