package dev.pilotlight.common.experiment;

import java.util.List;

/**
 * Where a canary ramp stands: the plan's steps, the current one, and when each step began.
 *
 * @param step    index of the current step in {@code plan}
 * @param history when each step so far began (epoch ms, from the release state that set its split)
 */
public record RampProgress(List<RampStep> plan, int step, List<Long> history) {}
