package io.quantwatch.detectors.port;

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

    @Override
    void close();
}
