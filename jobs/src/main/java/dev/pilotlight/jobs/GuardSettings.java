package dev.pilotlight.jobs;

import dev.pilotlight.jobs.cost.CostSettings;
import dev.pilotlight.jobs.drift.DriftSettings;
import dev.pilotlight.jobs.experiments.ExperimentSettings;
import dev.pilotlight.jobs.usage.UsageSettings;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.rules.RuleSet;
import java.time.Duration;
import java.util.Set;

/**
 * What the pipeline needs besides its sources and sinks.
 *
 * @param outOfOrderness  how late an event may arrive and still be in order for event time
 * @param idleness        after this long without records a caught-up source split follows the wall clock
 * @param backlogIdleness the same for a split whose last record was read long after it was appended (a backlog)
 * @param metricsWindow   the tumbling window of guard.metrics samples
 * @param allowedLateness how long after its window closed an event still updates it (then: guard.dlq)
 * @param rulesChangedAt  when the rule files last changed; a rule set published to guard.rules later replaces them
 * @param miniBatch       how long events are merged on the heap before keyed state is touched (adds at most this to latency)
 * @param feedbackHorizon how long a user's last rating of an invocation is remembered, so a new one replaces it
 * @param drift           the drift module's windows, references, tests and bounds (docs/drift.md)
 * @param experiments     the experiments module's tests, horizon, guardrails and bounds (docs/experiments.md)
 * @param cost            the cost module's time zone, event bounds and loop detector (docs/cost.md)
 * @param usage           the usage module's day, funnel, scorecard thresholds and value inputs (docs/usage.md)
 */
public record GuardSettings(Set<GuardModule> modules, RuleSet rules, CommandSigner signer, Duration commandTtl,
                            Duration maxDecisionLag, Duration outOfOrderness, Duration idleness,
                            Duration metricsWindow, Duration allowedLateness, long rulesChangedAt, Duration miniBatch,
                            Duration feedbackHorizon, Duration backlogIdleness, DriftSettings drift, ExperimentSettings experiments,
                            CostSettings cost, UsageSettings usage) {

    public GuardSettings(Set<GuardModule> modules, RuleSet rules, CommandSigner signer, Duration commandTtl, Duration maxDecisionLag,
                         Duration outOfOrderness, Duration idleness, Duration metricsWindow, Duration allowedLateness,
                         long rulesChangedAt, Duration miniBatch, Duration feedbackHorizon, Duration backlogIdleness, DriftSettings drift,
                         ExperimentSettings experiments, CostSettings cost) {
        this(modules, rules, signer, commandTtl, maxDecisionLag, outOfOrderness, idleness, metricsWindow, allowedLateness,
                rulesChangedAt, miniBatch, feedbackHorizon, backlogIdleness, drift, experiments, cost, UsageSettings.defaults());
    }

    public GuardSettings(Set<GuardModule> modules, RuleSet rules, CommandSigner signer, Duration commandTtl, Duration maxDecisionLag,
                         Duration outOfOrderness, Duration idleness, Duration metricsWindow, Duration allowedLateness,
                         long rulesChangedAt, Duration miniBatch, Duration feedbackHorizon, Duration backlogIdleness, DriftSettings drift,
                         ExperimentSettings experiments) {
        this(modules, rules, signer, commandTtl, maxDecisionLag, outOfOrderness, idleness, metricsWindow, allowedLateness,
                rulesChangedAt, miniBatch, feedbackHorizon, backlogIdleness, drift, experiments, CostSettings.defaults(),
                UsageSettings.defaults());
    }

    public GuardSettings(Set<GuardModule> modules, RuleSet rules, CommandSigner signer, Duration commandTtl, Duration maxDecisionLag,
                         Duration outOfOrderness, Duration idleness, Duration metricsWindow, Duration allowedLateness,
                         long rulesChangedAt, Duration miniBatch, Duration feedbackHorizon, Duration backlogIdleness, DriftSettings drift) {
        this(modules, rules, signer, commandTtl, maxDecisionLag, outOfOrderness, idleness, metricsWindow, allowedLateness,
                rulesChangedAt, miniBatch, feedbackHorizon, backlogIdleness, drift, ExperimentSettings.defaults());
    }

    public GuardSettings(Set<GuardModule> modules, RuleSet rules, CommandSigner signer, Duration commandTtl, Duration maxDecisionLag,
                         Duration outOfOrderness, Duration idleness, Duration metricsWindow, Duration allowedLateness,
                         long rulesChangedAt, Duration miniBatch, Duration feedbackHorizon, Duration backlogIdleness) {
        this(modules, rules, signer, commandTtl, maxDecisionLag, outOfOrderness, idleness, metricsWindow, allowedLateness,
                rulesChangedAt, miniBatch, feedbackHorizon, backlogIdleness, DriftSettings.defaults());
    }

    /** These settings with other drift settings. */
    public GuardSettings withDrift(DriftSettings d) {
        return new GuardSettings(modules, rules, signer, commandTtl, maxDecisionLag, outOfOrderness, idleness, metricsWindow,
                allowedLateness, rulesChangedAt, miniBatch, feedbackHorizon, backlogIdleness, d, experiments, cost, usage);
    }

    /** These settings with other experiment settings. */
    public GuardSettings withExperiments(ExperimentSettings x) {
        return new GuardSettings(modules, rules, signer, commandTtl, maxDecisionLag, outOfOrderness, idleness, metricsWindow,
                allowedLateness, rulesChangedAt, miniBatch, feedbackHorizon, backlogIdleness, drift, x, cost, usage);
    }

    /** These settings with other cost settings. */
    public GuardSettings withCost(CostSettings c) {
        return new GuardSettings(modules, rules, signer, commandTtl, maxDecisionLag, outOfOrderness, idleness, metricsWindow,
                allowedLateness, rulesChangedAt, miniBatch, feedbackHorizon, backlogIdleness, drift, experiments, c, usage);
    }

    /** These settings with other usage settings. */
    public GuardSettings withUsage(UsageSettings u) {
        return new GuardSettings(modules, rules, signer, commandTtl, maxDecisionLag, outOfOrderness, idleness, metricsWindow,
                allowedLateness, rulesChangedAt, miniBatch, feedbackHorizon, backlogIdleness, drift, experiments, cost, u);
    }

    public GuardSettings(Set<GuardModule> modules, RuleSet rules, CommandSigner signer, Duration commandTtl, Duration maxDecisionLag,
                         Duration outOfOrderness, Duration idleness, Duration metricsWindow, Duration allowedLateness,
                         long rulesChangedAt, Duration miniBatch, Duration feedbackHorizon) {
        this(modules, rules, signer, commandTtl, maxDecisionLag, outOfOrderness, idleness, metricsWindow, allowedLateness,
                rulesChangedAt, miniBatch, feedbackHorizon, Duration.ofMinutes(2));
    }

    public GuardSettings(Set<GuardModule> modules, RuleSet rules, CommandSigner signer, Duration commandTtl, Duration maxDecisionLag,
                         Duration outOfOrderness, Duration idleness, Duration metricsWindow, Duration allowedLateness,
                         long rulesChangedAt, Duration miniBatch) {
        this(modules, rules, signer, commandTtl, maxDecisionLag, outOfOrderness, idleness, metricsWindow, allowedLateness,
                rulesChangedAt, miniBatch, Duration.ofDays(7));
    }
}
