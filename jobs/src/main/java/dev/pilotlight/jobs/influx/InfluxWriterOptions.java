package dev.pilotlight.jobs.influx;

import static dev.pilotlight.jobs.JobOptions.duration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.util.ParameterTool;

/**
 * Submission options of the InfluxDB writer job (docs/configuration.md). The token is read from an
 * environment variable of the submitting process, never from an argument.
 */
public record InfluxWriterOptions(String bootstrap, String groupId, boolean startLatest, InfluxTarget target,
                                  int batchSize, Duration flushInterval, Duration maxBackoff, int topUsers,
                                  String checkpointDir, Duration checkpointInterval) {

    public static final String DEFAULT_TOKEN_ENV = "INFLUX_TOKEN";

    public static InfluxWriterOptions parse(String[] args, Map<String, String> env) {
        ParameterTool p = ParameterTool.fromArgs(args);
        List<String> errors = new ArrayList<>();
        Set<String> known = Set.of("bootstrap", "group-id", "start", "influx-url", "influx-org", "influx-bucket",
                "influx-token-env", "batch-size", "flush-interval", "max-backoff", "top-users", "checkpoint-dir",
                "checkpoint-interval");
        for (Object k : p.getProperties().keySet()) {
            if (!known.contains(k.toString())) {
                errors.add("unknown option --" + k + " (known: --" + String.join(", --", known.stream().sorted().toList()) + ")");
            }
        }
        String tokenEnv = p.get("influx-token-env", DEFAULT_TOKEN_ENV);
        String token = env.get(tokenEnv);
        if (token == null || token.isBlank()) {
            errors.add("environment variable " + tokenEnv + " must hold the InfluxDB API token (write access to the bucket)");
        }
        String url = p.get("influx-url", "http://127.0.0.1:8086");
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            errors.add("--influx-url must be an http:// or https:// URL, got '" + url + "'");
        }
        String start = p.get("start", "earliest");
        if (!start.equals("earliest") && !start.equals("latest")) {
            errors.add("--start must be earliest or latest (used only when the group has no committed offsets)");
        }
        int batch = integer(p, "batch-size", 5000, 1, 100_000, errors);
        int top = integer(p, "top-users", 20, 0, 1000, errors);
        InfluxWriterOptions o = new InfluxWriterOptions(p.get("bootstrap", "127.0.0.1:9092"),
                p.get("group-id", "pilotlight-influx"), start.equals("latest"),
                new InfluxTarget(url, p.get("influx-org", "pilotlight"), p.get("influx-bucket", "pilotlight"), token),
                batch, duration(p, "flush-interval", "1s", errors), duration(p, "max-backoff", "30s", errors), top,
                p.get("checkpoint-dir", "file:///tmp/pilotlight/checkpoints-influx"),
                duration(p, "checkpoint-interval", "30s", errors));
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid options:\n  " + String.join("\n  ", errors));
        }
        return o;
    }

    private static int integer(ParameterTool p, String name, int dflt, int min, int max, List<String> errors) {
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
}
