package dev.pilotlight.common.experiment;

/**
 * One step of a canary plan: the candidate's share of users, held for at least {@code bakeMs}
 * and until the candidate has {@code minCalls} calls in this step, before the next step.
 */
public record RampStep(double share, long bakeMs, long minCalls) {}
