package dev.pilotlight.jobs;

import dev.pilotlight.common.DurationText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.util.ParameterTool;

/**
 * Reads a job's submission arguments and collects every problem, each naming its option, so one
 * failed submission lists all of them instead of the first.
 */
public final class SubmissionArgs {
    private final ParameterTool p;
    private final List<String> errors = new ArrayList<>();

    public SubmissionArgs(String[] args, Set<String> known) {
        p = ParameterTool.fromArgs(args);
        for (Object k : p.getProperties().keySet()) {
            if (!known.contains(k.toString())) {
                errors.add("unknown option --" + k + " (known: --" + String.join(", --", known.stream().sorted().toList()) + ")");
            }
        }
    }

    public String get(String name, String dflt) {
        return p.get(name, dflt);
    }

    /** "30s", "5m", "100ms". */
    public Duration duration(String name, String dflt) {
        try {
            return DurationText.parse(p.get(name, dflt));
        } catch (IllegalArgumentException e) {
            errors.add("--" + name + ": " + e.getMessage());
            return Duration.ofSeconds(1);
        }
    }

    public int integer(String name, int dflt, int min, int max) {
        String v = p.get(name, Integer.toString(dflt));
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add("--" + name + " must be a whole number from " + min + " to " + max + ", got '" + v + "'");
        return dflt;
    }

    /** {@code --start earliest|latest}: where a consumer group without committed offsets begins. True for latest. */
    public boolean startLatest() {
        String start = p.get("start", "earliest");
        if (!start.equals("earliest") && !start.equals("latest")) {
            errors.add("--start must be earliest or latest (used only when the group has no committed offsets)");
        }
        return start.equals("latest");
    }

    /**
     * A secret from the environment variable that option {@code envOption} names (default
     * {@code defaultEnv}); never from an argument, which would show in process lists and the Flink UI.
     */
    public String secret(Map<String, String> env, String envOption, String defaultEnv, String what) {
        String name = p.get(envOption, defaultEnv);
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            errors.add("environment variable " + name + " must hold " + what);
            return null;
        }
        return value;
    }

    public void error(String problem) {
        errors.add(problem);
    }

    /** Throws one exception listing every problem found, if any. */
    public void requireValid() {
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid options:\n  " + String.join("\n  ", errors));
        }
    }
}
