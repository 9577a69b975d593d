package dev.pilotlight.jobs;

import dev.pilotlight.jobs.cost.CostSettings;
import dev.pilotlight.jobs.drift.DriftSettings;
import dev.pilotlight.jobs.experiments.ExperimentSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Submission options of the guard application, validated before anything starts (docs/configuration.md).
 * The signing key is read from an environment variable of the submitting process, never from an
 * argument, so it does not show in process lists or the Flink UI.
 */
public record JobOptions(String bootstrap, Set<GuardModule> modules, Path rulesPath, String groupId, String controlKey,
                         Duration commandTtl, Duration maxDecisionLag, Duration outOfOrderness, Duration idleness,
                         String checkpointDir, Duration checkpointInterval, boolean startLatest,
                         Duration metricsWindow, Duration allowedLateness, Duration miniBatch, Duration feedbackHorizon,
                         Duration maxClockSkew, Duration maxEventAge, int maxParallelism, int tolerableCheckpointFailures,
                         Duration backlogIdleness, DriftSettings drift, ExperimentSettings experiments,
                         CostSettings cost, dev.pilotlight.jobs.usage.UsageSettings usage) {

    public static final String DEFAULT_KEY_ENV = "PILOTLIGHT_CONTROL_KEY";

    public static JobOptions parse(String[] args, Map<String, String> env) {
        SubmissionArgs a = new SubmissionArgs(args, Set.of("bootstrap", "modules", "rules", "group-id", "control-key-env",
                "command-ttl", "max-decision-lag", "out-of-orderness", "idleness", "checkpoint-dir", "checkpoint-interval",
                "start", "metrics-window", "allowed-lateness", "mini-batch", "feedback-horizon", "max-clock-skew", "max-event-age",
                "max-parallelism", "tolerable-checkpoint-failures", "backlog-idleness", "drift-settings", "experiment-settings",
                "cost-settings", "usage-settings"));
        Set<GuardModule> modules = null;
        try {
            modules = GuardModule.parse(a.get("modules", "all"));
        } catch (IllegalArgumentException e) {
            a.error("--modules: " + e.getMessage());
        }
        String key = a.secret(env, "control-key-env", DEFAULT_KEY_ENV, "the control signing key (at least 32 bytes)");
        if (key != null && key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
            a.error("the control signing key in " + a.get("control-key-env", DEFAULT_KEY_ENV) + " is shorter than 32 bytes");
        }
        DriftSettings drift = settingsFile(a, "drift-settings", DriftSettings.defaults(), DriftSettings::load);
        ExperimentSettings experiments = settingsFile(a, "experiment-settings", ExperimentSettings.defaults(), ExperimentSettings::load);
        CostSettings cost = settingsFile(a, "cost-settings", CostSettings.defaults(), CostSettings::load);
        dev.pilotlight.jobs.usage.UsageSettings usage = settingsFile(a, "usage-settings", dev.pilotlight.jobs.usage.UsageSettings.defaults(),
                dev.pilotlight.jobs.usage.UsageSettings::load);
        JobOptions o = new JobOptions(
                a.get("bootstrap", "127.0.0.1:9092"), modules, Path.of(a.get("rules", "alert-rules")),
                a.get("group-id", "pilotlight-guard"), key,
                a.duration("command-ttl", "10m"), a.duration("max-decision-lag", "5m"),
                a.duration("out-of-orderness", "5s"), a.duration("idleness", "10s"),
                a.get("checkpoint-dir", null), // none: the cluster's state.checkpoints.dir
                a.duration("checkpoint-interval", "30s"), a.startLatest(),
                a.duration("metrics-window", "1m"), a.duration("allowed-lateness", "5m"),
                a.duration("mini-batch", "100ms"), a.duration("feedback-horizon", "7d"),
                a.duration("max-clock-skew", "5s"), a.duration("max-event-age", "24h"),
                a.integer("max-parallelism", 128, 1, 32_768), a.integer("tolerable-checkpoint-failures", 3, 0, 1_000),
                a.duration("backlog-idleness", "2m"), drift, experiments, cost, usage);
        a.requireValid();
        return o;
    }

    /** A module's settings: the defaults, or the file {@code --option} names (its problems reported as the option's). */
    private static <T> T settingsFile(SubmissionArgs a, String option, T defaults, java.util.function.Function<Path, T> load) {
        String file = a.get(option, null);
        if (file == null) {
            return defaults;
        }
        try {
            return load.apply(Path.of(file));
        } catch (IllegalArgumentException e) {
            a.error("--" + option + ":\n    " + e.getMessage().replace("\n", "\n    "));
            return defaults;
        }
    }

    @Override
    public String toString() {
        return "JobOptions[bootstrap=" + bootstrap + ", modules=" + modules + ", rules=" + rulesPath + ", groupId=" + groupId
                + ", controlKey=<hidden>, commandTtl=" + commandTtl + ", checkpointDir=" + checkpointDir + "]";
    }
}
