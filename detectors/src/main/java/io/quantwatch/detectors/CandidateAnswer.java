package io.quantwatch.detectors;

/** A candidate's own greedy answer to a prompt and its teacher-forced comparison with the reference's answer. */
public record CandidateAnswer(DecodeOutput answer, TeacherForcedScores forced) {}
