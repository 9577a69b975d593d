package dev.pilotlight.jobs;

import dev.pilotlight.common.DurationText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.util.ParameterTool;

/**
 * Submission options of the guard application, validated before anything starts (docs/configuration.md).
 * The signing key is read from an environment variable of the submitting process, never from an
 * argument, so it does not show in process lists or the Flink UI.
 */
public record JobOptions(String bootstrap, Set<GuardModule> modules, Path rulesPath, String groupId, String controlKey,
                         Duration commandTtl, Duration maxDecisionLag, Duration outOfOrderness, Duration idleness,
                         String checkpointDir, Duration checkpointInterval, boolean startLatest,
                         Duration metricsWindow, Duration allowedLateness, Duration miniBatch) {

    public static final String DEFAULT_KEY_ENV = "PILOTLIGHT_CONTROL_KEY";

    public static JobOptions parse(String[] args, Map<String, String> env) {
        ParameterTool p = ParameterTool.fromArgs(args);
        List<String> errors = new ArrayList<>();
        Set<String> known = Set.of("bootstrap", "modules", "rules", "group-id", "control-key-env", "command-ttl",
                "max-decision-lag", "out-of-orderness", "idleness", "checkpoint-dir", "checkpoint-interval", "start",
                "metrics-window", "allowed-lateness", "mini-batch");
        for (Object k : p.getProperties().keySet()) {
            if (!known.contains(k.toString())) {
                errors.add("unknown option --" + k + " (known: --" + String.join(", --", known.stream().sorted().toList()) + ")");
            }
        }
        Set<GuardModule> modules = null;
        try {
            modules = GuardModule.parse(p.get("modules", "all"));
        } catch (IllegalArgumentException e) {
            errors.add("--modules: " + e.getMessage());
        }
        String keyEnv = p.get("control-key-env", DEFAULT_KEY_ENV);
        String key = env.get(keyEnv);
        if (key == null || key.isBlank()) {
            errors.add("environment variable " + keyEnv + " must hold the control signing key (at least 32 bytes)");
        } else if (key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
            errors.add("the control signing key in " + keyEnv + " is shorter than 32 bytes");
        }
        String start = p.get("start", "earliest");
        if (!start.equals("earliest") && !start.equals("latest")) {
            errors.add("--start must be earliest or latest (used only when the group has no committed offsets)");
        }
        JobOptions o = new JobOptions(
                p.get("bootstrap", "127.0.0.1:9092"), modules, Path.of(p.get("rules", "alert-rules")),
                p.get("group-id", "pilotlight-guard"), key,
                duration(p, "command-ttl", "10m", errors), duration(p, "max-decision-lag", "5m", errors),
                duration(p, "out-of-orderness", "5s", errors), duration(p, "idleness", "30s", errors),
                p.get("checkpoint-dir", "file:///tmp/pilotlight/checkpoints"),
                duration(p, "checkpoint-interval", "30s", errors), start.equals("latest"),
                duration(p, "metrics-window", "1m", errors), duration(p, "allowed-lateness", "5m", errors),
                duration(p, "mini-batch", "100ms", errors));
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid options:\n  " + String.join("\n  ", errors));
        }
        return o;
    }

    /** Reads a duration option ("30s", "5m"), recording a problem that names the option instead of failing at once. */
    public static Duration duration(ParameterTool p, String name, String dflt, List<String> errors) {
        try {
            return DurationText.parse(p.get(name, dflt));
        } catch (IllegalArgumentException e) {
            errors.add("--" + name + ": " + e.getMessage());
            return Duration.ofSeconds(1);
        }
    }

    @Override
    public String toString() {
        return "JobOptions[bootstrap=" + bootstrap + ", modules=" + modules + ", rules=" + rulesPath + ", groupId=" + groupId
                + ", controlKey=<hidden>, commandTtl=" + commandTtl + ", checkpointDir=" + checkpointDir + "]";
    }
}
