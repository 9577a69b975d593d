package dev.pilotlight.gateway.control;

import dev.pilotlight.common.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every replica reads all of guard.control, guard.releases and guard.experiments (partitions assigned, no consumer
 * group: each replica must see every command). At start it first reads the release topic to its
 * end, then replays recent commands (a command decided on an older release revision is stale and
 * skipped), so a replica that was down converges; it reports ready once it has caught up with
 * what was there when it started.
 */
public final class ControlLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlLoop.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final CommandApplier applier;
    private final ReleaseChannel releases;
    /** Compacted topics read from their beginning for the admin API: experiment states, scorecards. */
    private final List<SignedBoard<?>> boards;
    private final BiConsumer<String, ConsumerRecord<String, byte[]>> onUnreadable;
    private final Duration replay;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean ready;
    private volatile long startedAt;

    /** @param onUnreadable dead-letters a record nothing could be done with, with the reason */
    public ControlLoop(String bootstrap, String gatewayId, CommandApplier applier, ReleaseChannel releases, List<SignedBoard<?>> boards,
                       Duration replay, BiConsumer<String, ConsumerRecord<String, byte[]>> onUnreadable) {
        this.boards = List.copyOf(boards);
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, gatewayId + "-control",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.applier = applier;
        this.releases = releases;
        this.replay = replay;
        this.onUnreadable = onUnreadable;
        this.thread = new Thread(this::run, "control-loop");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public boolean isReady() {
        return ready && thread.isAlive();
    }

    /** Runs sessions until closed; a failed session (Kafka away at start, say) is retried with backoff. */
    private void run() {
        long backoffMs = 1000;
        try {
            while (running) {
                try {
                    session();
                } catch (WakeupException e) {
                    return; // close() woke us
                } catch (RuntimeException e) {
                    ready = false;
                    LOG.warn("control loop failed ({}); retrying in {} ms", e.toString(), backoffMs);
                    Thread.sleep(backoffMs); // backoff between attempts to reach Kafka, interrupted by close()
                    backoffMs = Math.min(30_000, backoffMs * 2);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            boolean interrupted = Thread.interrupted(); // a close cut short by our own interrupt would throw
            consumer.close(Duration.ofSeconds(5));
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void session() {
        startedAt = System.currentTimeMillis();
        List<TopicPartition> controlParts = partitions(Topics.CONTROL);
        List<TopicPartition> releaseParts = partitions(Topics.RELEASES);
        // first the release states, completely, so replayed commands meet the current releases
        consumer.assign(releaseParts);
        consumer.seekToBeginning(releaseParts);
        Map<TopicPartition, Long> releaseEnds = consumer.endOffsets(releaseParts);
        while (running && !caughtUp(releaseEnds)) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                handle(r);
            }
        }
        List<TopicPartition> boardParts = new ArrayList<>();
        boards.forEach(b -> boardParts.addAll(partitions(b.topic())));
        List<TopicPartition> all = new ArrayList<>(controlParts);
        all.addAll(releaseParts);
        all.addAll(boardParts);
        Map<TopicPartition, Long> positions = new HashMap<>();
        releaseParts.forEach(tp -> positions.put(tp, consumer.position(tp)));
        consumer.assign(all);
        positions.forEach(consumer::seek);
        consumer.seekToBeginning(boardParts); // compacted: each prompt's latest experiment, each route's scorecard, for the admin API
        Map<TopicPartition, Long> since = new HashMap<>();
        controlParts.forEach(tp -> since.put(tp, startedAt - replay.toMillis()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(since);
        Map<TopicPartition, Long> ends = consumer.endOffsets(all);
        for (TopicPartition tp : controlParts) {
            OffsetAndTimestamp o = found.get(tp);
            consumer.seek(tp, o == null ? ends.get(tp) : o.offset());
        }
        while (running) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                handle(r);
            }
            if (!ready && caughtUp(ends)) {
                ready = true;
                LOG.info("control loop caught up: {}", ends);
            }
        }
    }

    private boolean caughtUp(Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** One record; whatever it holds, the loop moves on (a record that stopped it would stop every decision). */
    private void handle(ConsumerRecord<String, byte[]> r) {
        try {
            if (Topics.RELEASES.equals(r.topic())) {
                releases.handle(r);
                return;
            }
            for (SignedBoard<?> b : boards) {
                if (b.topic().equals(r.topic())) {
                    b.handle(r);
                    return;
                }
            }
            boolean replaying = !ready && r.timestamp() < startedAt;
            applier.apply(r.value(), System.currentTimeMillis(), replaying); // rejections are dead-lettered by the applier
        } catch (RuntimeException e) {
            LOG.error("record {}:{}@{} could not be handled", r.topic(), r.partition(), r.offset(), e);
            onUnreadable.accept("could not be handled: " + e, r);
        }
    }

    private List<TopicPartition> partitions(String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist; create the contract topics first");
        }
        return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
