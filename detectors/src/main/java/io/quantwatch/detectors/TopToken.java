package io.quantwatch.detectors;

/** A token id and its natural-log probability at one step. */
public record TopToken(int token, double logprob) {}
