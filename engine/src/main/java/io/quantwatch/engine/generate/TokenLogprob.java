package io.quantwatch.engine.generate;

/** A token id with its log-probability (natural log) at one step. */
public record TokenLogprob(int token, float logprob) {}
