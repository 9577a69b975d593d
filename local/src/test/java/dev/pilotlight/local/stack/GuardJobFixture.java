package dev.pilotlight.local.stack;

import dev.pilotlight.testkit.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the ITs of one guard module start: a broker with the contract's topics, a producer to write events
 * as gateways do, and the guard job on a MiniCluster; closed in reverse order.
 */
public final class GuardJobFixture implements AutoCloseable {
    public final EmbeddedKafka kafka;
    public final KafkaProducer<String, byte[]> producer;
    public final JobClient job;

    private GuardJobFixture(EmbeddedKafka kafka, KafkaProducer<String, byte[]> producer, JobClient job) {
        this.kafka = kafka;
        this.producer = producer;
        this.job = job;
    }

    /** @param jobArgs submission options, e.g. {@code --modules cost} */
    public static GuardJobFixture start(Path rules, Path dir, String controlKey, String... jobArgs) throws Exception {
        return start(rules, dir, controlKey, p -> { }, jobArgs);
    }

    /**
     * @param history written (and flushed) before the job starts, so the job reads it as a backlog in event time; written
     *                to a running job, history older than its watermark would be late
     */
    public static GuardJobFixture start(Path rules, Path dir, String controlKey, java.util.function.Consumer<KafkaProducer<String, byte[]>> history,
                                        String... jobArgs) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        kafka.createContractTopics();
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), new ByteArraySerializer());
        try {
            history.accept(producer);
            producer.flush();
            return new GuardJobFixture(kafka, producer, LocalGuardJob.start(kafka.bootstrapServers(), rules, dir, controlKey, 1, jobArgs));
        } catch (Exception | Error e) {
            producer.close();
            kafka.close();
            throw e;
        }
    }

    public String bootstrap() {
        return kafka.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        try {
            LocalGuardJob.cancelAndAwait(job);
        } finally {
            producer.close();
            kafka.close();
        }
    }
}
