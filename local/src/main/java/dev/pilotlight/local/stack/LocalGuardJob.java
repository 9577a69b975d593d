package dev.pilotlight.local.stack;

import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.rules.RuleSet;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.jobs.GuardApplication;
import dev.pilotlight.jobs.JobOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The guard application on an in-process Flink MiniCluster, as the embedded stack and the tests run it. */
public final class LocalGuardJob {
    private LocalGuardJob() {}

    /**
     * Validates the rules, submits the job and waits until it runs.
     *
     * @param extraArgs further submission options, e.g. {@code --idleness 1s}
     */
    public static JobClient start(String bootstrap, Path rulesDir, Path workDir, String controlKey, int parallelism,
                                  String... extraArgs) throws Exception {
        RuleSet rules = RuleSetLoader.load(rulesDir); // invalid rules stop everything before it starts
        Map<String, String> given = new java.util.LinkedHashMap<>();
        given.put("--bootstrap", bootstrap);
        given.put("--rules", rulesDir.toString());
        given.put("--checkpoint-dir", workDir.resolve("checkpoints").toUri().toString());
        given.put("--checkpoint-interval", "10s");
        given.put("--idleness", "5s");
        for (int i = 0; i + 1 < extraArgs.length; i += 2) { // later options replace these defaults
            given.put(extraArgs[i], extraArgs[i + 1]);
        }
        List<String> args = new ArrayList<>();
        given.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        JobOptions options = JobOptions.parse(args.toArray(String[]::new), Map.of(JobOptions.DEFAULT_KEY_ENV, controlKey));
        Configuration conf = GuardApplication.flinkConfiguration(options);
        conf.setString("rest.bind-address", "127.0.0.1");
        conf.setString("taskmanager.memory.managed.size", "64m");
        // lets a benchmark try a Flink setting, e.g. -Dbench.flink.state.backend.type=hashmap (docs/benchmarks.md)
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.flink."))
                .forEach(k -> conf.setString(k.substring("bench.flink.".length()), System.getProperty(k)));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        JobClient job = GuardApplication.start(env, options, rules);
        Deadline.require("guard job running", Duration.ofSeconds(60), () -> {
            JobStatus s = job.getJobStatus().join();
            if (s.isGloballyTerminalState()) {
                throw new IllegalStateException("guard job ended while starting: " + s);
            }
            return s == JobStatus.RUNNING;
        });
        return job;
    }

    /**
     * Cancels the job and waits until it has ended and its local cluster is closed: only then has the last
     * checkpoint stopped writing into the work directory (which a caller may delete next).
     */
    public static void cancelAndAwait(JobClient job) throws Exception {
        job.cancel().get();
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException cancelled) {
            // the expected end of a cancelled job
        }
    }
}
