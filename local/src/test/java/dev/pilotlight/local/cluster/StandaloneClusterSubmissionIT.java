package dev.pilotlight.local.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.testkit.Fixtures;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.common.event.MetricSample;
import dev.pilotlight.jobs.influx.InfluxWriterApplication;
import dev.pilotlight.testkit.LoopbackPorts;
import dev.pilotlight.testkit.binaries.VictoriaMetrics;
import dev.pilotlight.testkit.kafka.EmbeddedKafka;
import dev.pilotlight.common.Deadline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded application jar on a standalone Flink session cluster (JobManager and TaskManager in
 * their own JVMs, Flink's lib/ only), submitted with Flink's CLI front end, its outputs read from a
 * real broker. Needs {@code ./mvnw package} of jobs and flink-cluster first ({@code ./mvnw verify} does).
 */
class StandaloneClusterSubmissionIT {
    private static final String KEY = "standalone-cluster-test-signing-key!!";

    @TempDir
    Path dir;

    @Test
    void theShadedJarRunsOnAStandaloneSessionClusterAndWritesToKafka() throws Exception {
        Path jar = Path.of(System.getProperty("pilotlight.jobs.jar", "../jobs/target/pilotlight-jobs-0.1.0-SNAPSHOT-flink.jar"));
        Path lib = Path.of(System.getProperty("pilotlight.flink.lib", "../flink-cluster/target/lib"));
        assertThat(jar).as("the shaded jar (./mvnw package -pl jobs -am)").exists();

        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             VictoriaMetrics influx = VictoriaMetrics.start(LoopbackPorts.free(), dir.resolve("vm"));
             FlinkSessionCluster flink = FlinkSessionCluster.start(lib, dir, 2)) {
            kafka.createContractTopics();
            long t0 = System.currentTimeMillis() - 60_000;
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                    new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 300; i++) { // one call every 200 ms over the last minute
                    InvocationEvent e = InvocationEvent.builder().eventId("e" + i).timestamp(t0 + i * 200L).gatewayId("gw-1")
                            .tenant("acme").userId("u" + i % 7).route("claims-letter").promptId("claims-letter")
                            .promptVersion("1.0.0").variant("a").model("sim-model").latencyMs(300).costUsd(0.01)
                            .status(InvocationStatus.OK).build();
                    p.send(new ProducerRecord<>(Topics.INVOCATIONS, e.userId(), JsonCodec.encode(e)));
                }
            }

            String job = flink.submit(jar, null, List.of("--bootstrap", kafka.bootstrapServers(),
                    "--rules", Fixtures.ALERT_RULES.toAbsolutePath().toString(),
                    // the calls are a backlog when the job starts: partitions without records wait --backlog-idleness
                    "--metrics-window", "10s", "--idleness", "1s", "--backlog-idleness", "5s", "--checkpoint-interval", "5s",
                    "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString()),
                    Map.of("PILOTLIGHT_CONTROL_KEY", KEY));

            List<MetricSample> samples = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, "standalone-test",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
                c.subscribe(List.of(Topics.METRICS));
                boolean found = Deadline.in(Duration.ofSeconds(120)).await(() -> {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                        samples.add(JsonCodec.decode(r.value(), MetricSample.class));
                    }
                    return samples.stream().anyMatch(s -> s.dimension().equals("release") && s.calls() == 50);
                });
                assertThat(found).as("a full 10 s window of the release on guard.metrics; job %s is %s; logs in %s",
                        job, flink.jobState(job), flink.logDir()).isTrue();
            }
            assertThat(samples).anySatisfy(s -> {
                assertThat(s.labels()).containsEntry("route", "claims-letter").containsEntry("promptVersion", "1.0.0");
                assertThat(s.latencyP95Ms()).isBetween(290.0, 310.0);
            });
            assertThat(flink.jobState(job)).isEqualTo("RUNNING");

            // the InfluxDB writer, a second job from the same jar, plots what the guard job published
            String writer = flink.submit(jar, InfluxWriterApplication.class.getName(), List.of("--bootstrap", kafka.bootstrapServers(),
                    "--influx-url", influx.url(), "--checkpoint-interval", "5s",
                    "--checkpoint-dir", dir.resolve("checkpoints-influx").toUri().toString()),
                    Map.of("INFLUX_TOKEN", "standalone-test-token"));
            List<VictoriaMetrics.Series> plotted = new ArrayList<>();
            boolean written = Deadline.in(Duration.ofSeconds(60)).await(() -> {
                plotted.clear();
                plotted.addAll(influx.exportOrEmpty("llm_release_calls"));
                // a full window; the last one is partial (it closes once the idle source follows the clock)
                return plotted.stream().anyMatch(x -> x.values().contains(50.0) && "claims-letter".equals(x.labels().get("route")));
            });
            assertThat(written).as("release windows in InfluxDB; writer %s is %s; logs in %s", writer, flink.jobState(writer),
                    flink.logDir()).isTrue();
            assertThat(flink.jobState(writer)).isEqualTo("RUNNING");
            assertThat(Files.readString(flink.logDir().resolve("taskmanager.log"))).contains("RocksDB");
        }
    }
}
