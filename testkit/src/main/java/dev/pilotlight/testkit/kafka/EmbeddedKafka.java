package dev.pilotlight.testkit.kafka;

import dev.pilotlight.common.Topics;
import dev.pilotlight.testkit.LoopbackPorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) inside this JVM,
 * for tests and the embedded stack. Loopback only, plaintext: never a production setup.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final Path dataDir;
    private final boolean deleteOnClose;
    private final int brokerPort;
    private final int controllerPort;
    private KafkaRaftServer server;

    private EmbeddedKafka(Path dataDir, boolean deleteOnClose, int brokerPort) {
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.brokerPort = brokerPort;
        this.controllerPort = LoopbackPorts.free();
    }

    /** Starts a broker on a free loopback port with fresh storage in a temporary directory. */
    public static EmbeddedKafka start() {
        try {
            return start(Files.createTempDirectory("pilotlight-kafka-"), true, 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create Kafka data directory", e);
        }
    }

    /** Starts a broker; port 0 picks a free one. */
    public static EmbeddedKafka start(Path dataDir, boolean deleteOnClose, int port) {
        EmbeddedKafka k = new EmbeddedKafka(dataDir, deleteOnClose, port == 0 ? LoopbackPorts.free() : port);
        k.startServer();
        return k;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** Stops the broker but keeps its data, as an outage would; {@link #restart()} brings it back on the same port. */
    public void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    public void restart() {
        if (server == null) {
            startServer();
        }
    }

    private void startServer() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dataDir.resolve("logs").toString());
        // one node: every internal topic has replication factor 1
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // keep records regardless of their (event) timestamps; topics set their own retention
        p.put("log.retention.ms", "-1");
        // the cleaner otherwise reserves 128 MB of heap for compaction
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        p.put("log.cleaner.threads", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        try {
            Files.createDirectories(dataDir);
            Path config = dataDir.resolve("server.properties");
            try (var out = Files.newBufferedWriter(config)) {
                p.store(out, "pilotlight embedded broker");
            }
            boolean formatted = Files.exists(dataDir.resolve("logs").resolve("meta.properties"));
            if (!formatted) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                // execute, not main: main calls System.exit
                int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
                        config.toString(), "--ignore-formatted"}, new PrintStream(buf, true, StandardCharsets.UTF_8));
                if (rc != 0) {
                    throw new IllegalStateException("formatting Kafka storage failed: " + buf.toString(StandardCharsets.UTF_8));
                }
            }
            server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
            server.startup();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start embedded Kafka in " + dataDir, e);
        }
    }

    /** Creates every topic of the contract (Topics.SPECS); existing ones are left as they are. */
    public void createContractTopics() {
        List<NewTopic> topics = new ArrayList<>();
        for (Topics.TopicSpec s : Topics.SPECS) {
            topics.add(new NewTopic(s.name(), s.partitions(), (short) 1).configs(s.configs()));
        }
        createTopics(topics);
    }

    public void createTopics(List<NewTopic> topics) {
        try (Admin admin = admin()) {
            for (NewTopic t : topics) {
                try {
                    admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + t.name() + ": " + e.getCause().getMessage(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("broker did not create topics within 30 s", e);
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    @Override
    public void close() {
        stop();
        if (deleteOnClose) {
            deleteRecursively(dataDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // temporary data; the OS cleans /tmp eventually
        }
    }
}
