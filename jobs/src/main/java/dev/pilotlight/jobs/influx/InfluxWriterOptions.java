package dev.pilotlight.jobs.influx;

import dev.pilotlight.jobs.SubmissionArgs;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Submission options of the InfluxDB writer job (docs/configuration.md). The token is read from an
 * environment variable of the submitting process, never from an argument.
 */
public record InfluxWriterOptions(String bootstrap, String groupId, boolean startLatest, InfluxTarget target,
                                  int batchSize, Duration flushInterval, Duration maxBackoff, int topUsers,
                                  String checkpointDir, Duration checkpointInterval) {

    public static final String DEFAULT_TOKEN_ENV = "INFLUX_TOKEN";

    public static InfluxWriterOptions parse(String[] args, Map<String, String> env) {
        SubmissionArgs a = new SubmissionArgs(args, Set.of("bootstrap", "group-id", "start", "influx-url", "influx-org",
                "influx-bucket", "influx-token-env", "batch-size", "flush-interval", "max-backoff", "top-users",
                "checkpoint-dir", "checkpoint-interval"));
        String token = a.secret(env, "influx-token-env", DEFAULT_TOKEN_ENV, "the InfluxDB API token (write access to the bucket)");
        String url = a.get("influx-url", "http://127.0.0.1:8086");
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            a.error("--influx-url must be an http:// or https:// URL, got '" + url + "'");
        }
        InfluxWriterOptions o = new InfluxWriterOptions(a.get("bootstrap", "127.0.0.1:9092"),
                a.get("group-id", "pilotlight-influx"), a.startLatest(),
                new InfluxTarget(url, a.get("influx-org", "pilotlight"), a.get("influx-bucket", "pilotlight"), token),
                a.integer("batch-size", 5000, 1, 100_000), a.duration("flush-interval", "1s"), a.duration("max-backoff", "30s"),
                a.integer("top-users", 20, 0, 1000),
                a.get("checkpoint-dir", null) /* none: the cluster's execution.checkpointing.dir */, a.duration("checkpoint-interval", "30s"));
        a.requireValid();
        return o;
    }
}
