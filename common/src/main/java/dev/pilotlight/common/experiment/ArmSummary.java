package dev.pilotlight.common.experiment;

/**
 * One arm of an experiment as published on guard.experiments: what its users did since the
 * experiment began, with 95% Wilson intervals for the rates (null while an arm has no data).
 *
 * @param variant        {@code production} or {@code candidate}
 * @param users          distinct users seen in this arm since the split last changed (what the ratio check counts)
 * @param calls          calls that reached a model (what error rate and latency count)
 * @param samples        ratings with an acceptance: the primary metric's sample size
 * @param accepted       of those, accepted or accepted with minor edits
 * @param raters         distinct users who gave those ratings
 * @param costPerCallUsd mean cost of the arm's answered calls
 */
public record ArmSummary(String variant, String version, long users, long calls, long errors, Double errorRate,
                         Double errorRateLow, Double errorRateHigh, long samples, long accepted, Double acceptanceRate,
                         Double acceptanceLow, Double acceptanceHigh, long raters, long thumbsUp, long thumbsDown,
                         Double latencyP95Ms, Double costPerCallUsd) {}
