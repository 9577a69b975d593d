package dev.pilotlight.local.stack;

import dev.pilotlight.common.Deadline;
import dev.pilotlight.jobs.influx.InfluxWriterApplication;
import dev.pilotlight.jobs.influx.InfluxWriterOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The InfluxDB writer job on its own in-process MiniCluster, beside the embedded stack's guard
 * job: the same job and options a cluster runs, pointed at any server of the InfluxDB v2 API.
 */
public final class LocalInfluxWriter {
    private LocalInfluxWriter() {}

    /** Validates the options (the token comes from {@code env}), submits the job and waits until it runs. */
    public static JobClient start(String bootstrap, String url, Path workDir, Map<String, String> env, String... extraArgs)
            throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--bootstrap", bootstrap, "--influx-url", url,
                "--checkpoint-dir", workDir.resolve("checkpoints-influx").toUri().toString(), "--checkpoint-interval", "10s"));
        args.addAll(List.of(extraArgs));
        InfluxWriterOptions o = InfluxWriterOptions.parse(args.toArray(String[]::new), env);
        Configuration conf = InfluxWriterApplication.flinkConfiguration(o);
        conf.setString("rest.bind-address", "127.0.0.1");
        StreamExecutionEnvironment env1 = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        InfluxWriterApplication.build(env1, o);
        JobClient job = env1.executeAsync(InfluxWriterApplication.JOB_NAME);
        Deadline.require("InfluxDB writer running", Duration.ofSeconds(60), () -> {
            JobStatus s = job.getJobStatus().join();
            if (s.isGloballyTerminalState()) {
                throw new IllegalStateException("InfluxDB writer ended while starting: " + s);
            }
            return s == JobStatus.RUNNING;
        });
        return job;
    }
}
