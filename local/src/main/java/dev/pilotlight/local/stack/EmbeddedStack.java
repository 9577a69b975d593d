package dev.pilotlight.local.stack;

import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.gateway.Gateway;
import dev.pilotlight.gateway.config.GatewayConfig;
import dev.pilotlight.testkit.kafka.EmbeddedKafka;
import dev.pilotlight.testkit.upstream.SimulatedUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;

/**
 * The whole loop on one machine: a real Kafka broker, the guard application on a Flink
 * MiniCluster (RocksDB, checkpoints), one gateway replica and the simulated upstream.
 * A fresh signing key is made for every start; it is shared in-process, never printed.
 */
public final class EmbeddedStack implements AutoCloseable {

    private final EmbeddedKafka kafka;
    private final SimulatedUpstream upstream;
    private volatile JobClient job;
    private final StackOptions options;
    private final Gateway gateway;
    private final String controlKey;
    private final Path workDir;
    private final java.util.List<Gateway> replicas = new java.util.ArrayList<>();

    private EmbeddedStack(EmbeddedKafka kafka, SimulatedUpstream upstream, JobClient job, Gateway gateway, String controlKey, Path workDir,
                          StackOptions options) {
        this.options = options;
        this.kafka = kafka;
        this.upstream = upstream;
        this.job = job;
        this.gateway = gateway;
        this.controlKey = controlKey;
        this.workDir = workDir;
    }

    public static EmbeddedStack start(StackOptions o) throws Exception {
        RuleSetLoader.load(o.rulesDir()); // invalid rules stop everything before anything starts
        byte[] keyBytes = new byte[32];
        new SecureRandom().nextBytes(keyBytes);
        String controlKey = HexFormat.of().formatHex(keyBytes);
        Path work = Files.createTempDirectory("pilotlight-stack-");
        EmbeddedKafka kafka = null;
        SimulatedUpstream upstream = null;
        JobClient job = null;
        try {
            kafka = EmbeddedKafka.start(work.resolve("kafka"), false, o.kafkaPort());
            kafka.createContractTopics();
            upstream = SimulatedUpstream.start(o.upstreamPort(), o.seed(), 64);

            job = startGuardJob(kafka, o, work, controlKey);

            GatewayConfig gc = gatewayConfig("gw-local-1", o.gatewayPort(), kafka, o, work, controlKey, Map.of());
            Gateway gateway = Gateway.start(gc, upstream.catalogVariables());
            Deadline.require("gateway ready", Duration.ofSeconds(30), gateway::isReady);
            return new EmbeddedStack(kafka, upstream, job, gateway, controlKey, work, o);
        } catch (Exception | Error e) {
            if (job != null) {
                job.cancel();
            }
            if (upstream != null) {
                upstream.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            throw e;
        }
    }

    /** A replica's settings: its own id, port, spool and audit file; the same broker, files and key as every other. */
    private static GatewayConfig gatewayConfig(String id, int port, EmbeddedKafka kafka, StackOptions o, Path work, String controlKey,
                                               Map<String, String> overrides) {
        Map<String, String> settings = new java.util.HashMap<>(Map.ofEntries(
                Map.entry("pilotlight.gateway.id", id),
                Map.entry("pilotlight.gateway.port", String.valueOf(port)),
                Map.entry("pilotlight.kafka.bootstrap", kafka.bootstrapServers()),
                Map.entry("pilotlight.prompts.dir", o.promptsDir().toString()),
                Map.entry("pilotlight.api-keys.file", o.apiKeysFile().toString()),
                Map.entry("pilotlight.catalog.file", o.catalogFile().toString()),
                Map.entry("pilotlight.events.spool-dir", work.resolve("spool-" + id).toString()),
                Map.entry("pilotlight.audit.file", work.resolve("audit/" + id + "-audit.log").toString()),
                Map.entry("pilotlight.control.key", controlKey),
                Map.entry("pilotlight.heartbeat.interval", "5s"),
                // every simulated user of the scenarios calls from the loopback address: one address is a whole pilot group here
                Map.entry("pilotlight.limits.ip-per-minute", "6000")));
        settings.putAll(overrides);
        return GatewayConfig.from(settings);
    }

    /**
     * Starts one more gateway replica on a free port (closed with the stack): the same broker, catalog, keys
     * and control key, so it applies the same commands (the runaway-user scenario runs two).
     */
    public synchronized Gateway startReplica(String id) throws Exception {
        return startReplica(id, Map.of());
    }

    /** A replica with some settings of its own (a spend cap, say: the spend-cap benchmark). */
    public synchronized Gateway startReplica(String id, Map<String, String> overrides) throws Exception {
        Gateway g = Gateway.start(gatewayConfig(id, 0, kafka, options, workDir, controlKey, overrides), upstream.catalogVariables());
        replicas.add(g);
        Deadline.require("gateway " + id + " ready", Duration.ofSeconds(30), g::isReady);
        return g;
    }

    private static JobClient startGuardJob(EmbeddedKafka kafka, StackOptions o, Path work, String controlKey) throws Exception {
        return LocalGuardJob.start(kafka.bootstrapServers(), o.rulesDir(), work, controlKey, o.parallelism(),
                "--drift-settings", o.driftSettingsFile().toString(), "--usage-settings", o.usageSettingsFile().toString());
    }

    /**
     * Cancels the guard job and starts it again without state (as after an incompatible upgrade): it
     * resumes the events from its group's offsets and reads the compacted control topics from the beginning.
     */
    public void restartGuardJobWithoutState() throws Exception {
        job.cancel().get();
        job = startGuardJob(kafka, options, workDir, controlKey);
    }

    /** The rule files (and quotas) the guard job was started with. */
    public StackOptions options() {
        return options;
    }

    public java.nio.file.Path rulesDir() {
        return options.rulesDir();
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public SimulatedUpstream upstream() {
        return upstream;
    }

    public Gateway gateway() {
        return gateway;
    }

    public JobClient job() {
        return job;
    }

    /** The signing key of this run; for tests that must forge or re-sign commands. */
    public String controlKey() {
        return controlKey;
    }

    @Override
    public void close() {
        replicas.forEach(Gateway::close);
        gateway.close();
        try {
            job.cancel().get();
        } catch (Exception ignored) {
            // the MiniCluster goes away with the JVM in any case
        }
        upstream.close();
        kafka.close();
        try (var walk = Files.walk(workDir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (Exception ignored) {
            // temporary files
        }
    }
}
