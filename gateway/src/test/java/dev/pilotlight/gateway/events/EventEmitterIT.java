package dev.pilotlight.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.Deadline;
import dev.pilotlight.testkit.kafka.EmbeddedKafka;
import dev.pilotlight.testkit.kafka.TopicReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sender takes records in batches while they come and waits to be woken once quiet (docs/architecture.md,
 * "Gateway threads"): records from many threads arrive exactly once, and a record after a quiet spell arrives too.
 */
class EventEmitterIT {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        kafka.createTopics(List.of(new NewTopic("emitter-burst", 1, (short) 1), new NewTopic("emitter-quiet", 1, (short) 1)));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void recordsFromManyThreadsArriveExactlyOnce() throws Exception {
        Path spool = Files.createTempDirectory("emitter-spool");
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try (EventEmitter emitter = new EventEmitter(kafka.bootstrapServers(), "emitter-burst", 10_000, new DiskSpool(spool, 1 << 20),
                Duration.ofSeconds(30))) {
            List<Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 1_000; i++) {
                        emitter.emit("emitter-burst", "k" + thread, Map.of("n", thread * 1_000 + i));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
            Deadline.require("4,000 records acknowledged", Duration.ofSeconds(30), () -> emitter.emitted() >= 4_000);
            assertThat(emitter.spooled()).isZero();
        } finally {
            threads.shutdownNow();
        }
        Set<String> seen = new HashSet<>();
        TopicReader.all(kafka.bootstrapServers(), "emitter-burst").forEach(r -> assertThat(seen.add(TopicReader.text(r))).isTrue());
        assertThat(seen).hasSize(4_000);
    }

    @Test
    void aRecordAfterAQuietSpellStillGoesAtOnce() throws Exception {
        Path spool = Files.createTempDirectory("emitter-spool");
        try (EventEmitter emitter = new EventEmitter(kafka.bootstrapServers(), "emitter-quiet", 100, new DiskSpool(spool, 1 << 20),
                Duration.ofSeconds(30))) {
            emitter.emit("emitter-quiet", "k", Map.of("n", 0));
            Deadline.require("the first record acknowledged", Duration.ofSeconds(30), () -> emitter.emitted() == 1);
            Deadline.require("the sender gone quiet, waiting to be woken", Duration.ofSeconds(10), emitter::quiet);
            emitter.emit("emitter-quiet", "k", Map.of("n", 1));
            Deadline.require("the record after the quiet spell acknowledged", Duration.ofSeconds(30), () -> emitter.emitted() == 2);
        }
        assertThat(TopicReader.all(kafka.bootstrapServers(), "emitter-quiet")).hasSize(2);
    }
}
