package dev.pilotlight.notify;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.DecodeException;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.notify.delivery.DeliveryWorker;
import dev.pilotlight.notify.delivery.PendingOffsets;
import dev.pilotlight.notify.digest.DigestBuffer;
import dev.pilotlight.notify.digest.DigestSummary;
import dev.pilotlight.reports.usage.ScorecardReader;
import dev.pilotlight.notify.receiver.Receiver;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads guard.alerts and delivers each transition to the receivers of its tier (tier 3 as a daily
 * digest where configured). It runs apart from the Flink job, so an unreachable receiver can delay
 * its own deliveries but never detection; offsets are committed only past alerts every receiver has
 * taken, so a restart loses none. Firing alerts are re-sent to Alertmanager until they resolve,
 * as Prometheus does; on start the still-firing ones are rebuilt from the topic.
 */
public final class AlertNotifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertNotifier.class);

    private final NotifierConfig config;
    private final List<Receiver> receivers = new ArrayList<>();
    private final Map<String, DeliveryWorker> workers = new LinkedHashMap<>();
    private final Map<String, DigestBuffer> digests = new LinkedHashMap<>();
    private final Map<String, Alert> firing = new ConcurrentHashMap<>();
    private final PendingOffsets offsets = new PendingOffsets();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> deadLetters;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "notify-scheduler");
        t.setDaemon(true);
        return t;
    });
    private final Thread poller;
    private volatile boolean running = true;

    private AlertNotifier(NotifierConfig config) {
        this.config = config;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (ReceiverConfig rc : config.receivers()) {
            Receiver r = Receiver.of(rc);
            receivers.add(r);
            workers.put(rc.name(), new DeliveryWorker(rc.name(), http, config.queueCapacity(), config.retryInitial(), config.retryMax()));
            if (rc.digest()) {
                digests.put(rc.name(), new DigestBuffer(config.stateDir(), rc.name()));
            }
        }
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.startAtEarliest() ? "earliest" : "latest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(c);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        deadLetters = new KafkaProducer<>(p);
        poller = new Thread(this::pollLoop, "notify-poller");
    }

    /** Rebuilds the firing alerts from guard.alerts, then starts delivering from the group's committed offsets. */
    public static AlertNotifier start(NotifierConfig config) {
        AlertNotifier n = new AlertNotifier(config);
        n.rebuildFiring();
        n.consumer.subscribe(List.of(Topics.ALERTS));
        n.awaitAssignment();
        n.poller.start();
        for (ReceiverConfig rc : config.receivers()) {
            if (rc.type().equals("alertmanager")) {
                long every = rc.resendEvery().toMillis();
                n.scheduler.scheduleAtFixedRate(() -> n.resendFiring(rc.name()), every, every, TimeUnit.MILLISECONDS);
            }
        }
        if (!n.digests.isEmpty()) {
            n.scheduleDigest();
        }
        if (config.reports() != null) {
            n.scheduleWeeklyReports(new dev.pilotlight.notify.report.WeeklyDriftReports(config.reports(), config.bootstrap()));
        }
        LOG.info("notifier started: receivers {}, {} alert(s) still firing", config.receivers(), n.firing.size());
        return n;
    }

    private void rebuildFiring() {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> scan = new KafkaConsumer<>(c)) {
            List<TopicPartition> parts = scan.partitionsFor(Topics.ALERTS, Duration.ofSeconds(30)).stream()
                    .map(pi -> new TopicPartition(pi.topic(), pi.partition())).toList();
            scan.assign(parts);
            scan.seekToBeginning(parts);
            Map<TopicPartition, Long> end = scan.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> scan.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : scan.poll(Duration.ofMillis(200))) {
                    Alert a = decode(r);
                    if (a != null) {
                        track(a);
                    }
                }
            }
        }
    }

    /**
     * Joins the group and fixes the starting positions before returning, so an alert published
     * after start() is delivered even when a new group starts at the latest offset.
     */
    private void awaitAssignment() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (consumer.assignment().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no partition of " + Topics.ALERTS + " assigned within 60 s: is Kafka at " + config.bootstrap() + "?");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                route(r);
            }
        }
        consumer.assignment().forEach(consumer::position);
    }

    private void track(Alert a) {
        if (a.state() == Alert.State.FIRING) {
            firing.put(a.alertId(), a);
        } else {
            firing.remove(a.alertId());
        }
    }

    private void pollLoop() {
        boolean paused = false;
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    route(r);
                }
                consumer.commitSync(offsets.committable());
                boolean full = workers.values().stream().anyMatch(w -> w.queued() > w.capacity() * 8 / 10);
                boolean drained = workers.values().stream().allMatch(w -> w.queued() < w.capacity() / 2);
                if (full && !paused) {
                    consumer.pause(consumer.assignment());
                    paused = true;
                    LOG.warn("a receiver's queue is nearly full: pausing guard.alerts until it drains");
                } else if (paused && drained) {
                    consumer.resume(consumer.paused());
                    paused = false;
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } finally {
            try {
                consumer.commitSync(offsets.committable());
            } catch (RuntimeException e) {
                LOG.warn("final offset commit failed; undelivered alerts are delivered again on restart: {}", e.toString());
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void route(ConsumerRecord<byte[], byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        Alert a = decode(r);
        if (a == null) {
            offsets.track(tp, r.offset(), 0);
            return;
        }
        track(a);
        List<Receiver> now = new ArrayList<>();
        for (Receiver rc : receivers) {
            if (a.tier() == 3 && rc.config().digest()) {
                digests.get(rc.config().name()).add(a); // on disk before the offset moves on
            } else if (rc.config().tiers().contains(a.tier())) {
                now.add(rc);
            }
        }
        offsets.track(tp, r.offset(), now.size());
        for (Receiver rc : now) {
            DeliveryWorker.Job job = new DeliveryWorker.Job(a.state() + " " + a.alertId(), rc.message(a), new DeliveryWorker.Outcome() {
                @Override
                public void delivered() {
                    offsets.done(tp, r.offset());
                }

                @Override
                public void refused(String reason) {
                    deadLetter(r, reason);
                    offsets.done(tp, r.offset());
                }
            });
            while (!workers.get(rc.config().name()).offer(job)) {
                // the queue is full: wait here (consumption stops, detection goes on in Flink)
                sleepQuietly(50);
                if (!running) {
                    return;
                }
            }
        }
    }

    private Alert decode(ConsumerRecord<byte[], byte[]> r) {
        try {
            return JsonCodec.decode(r.value(), Alert.class);
        } catch (DecodeException e) {
            deadLetter(r, e.getMessage());
            return null;
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> r, String reason) {
        DeadLetter d = DeadLetter.of(r.topic(), r.partition(), r.offset(),
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), reason,
                r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8), System.currentTimeMillis());
        deadLetters.send(new ProducerRecord<>(Topics.DLQ, r.topic().getBytes(StandardCharsets.UTF_8), JsonCodec.encode(d)));
    }

    /** Alertmanager forgets an alert it has not heard of for resolve_timeout: say again what still fires. */
    private void resendFiring(String receiver) {
        Receiver r = receivers.stream().filter(x -> x.config().name().equals(receiver)).findFirst().orElseThrow();
        DeliveryWorker w = workers.get(receiver);
        for (Alert a : firing.values()) {
            if (r.config().tiers().contains(a.tier()) && w.queued() < w.capacity() / 2) {
                w.offer(new DeliveryWorker.Job("resend " + a.alertId(), r.message(a), new DeliveryWorker.Outcome() {
                    @Override
                    public void delivered() {}

                    @Override
                    public void refused(String reason) {}
                }));
            }
        }
    }

    /**
     * Runs {@code task} at each time {@code next} gives after now (UTC), for good: the digest daily, the
     * weekly reports weekly. The task gets the time it was due.
     */
    private void scheduleRepeating(java.util.function.UnaryOperator<LocalDateTime> next, java.util.function.Consumer<LocalDateTime> task) {
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        LocalDateTime due = next.apply(now);
        scheduler.schedule(() -> {
            task.accept(due);
            scheduleRepeating(next, task);
        }, Duration.between(now, due).toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scheduleWeeklyReports(dev.pilotlight.notify.report.WeeklyDriftReports reports) {
        scheduleRepeating(reports::next, reports::write);
    }

    private void scheduleDigest() {
        scheduleRepeating(now -> {
            LocalDateTime today = now.toLocalDate().atTime(config.digestAt());
            return today.isAfter(now) ? today : today.plusDays(1);
        }, due -> sendDigests(LocalDate.now(ZoneOffset.UTC).minusDays(1)));
    }

    /**
     * Queues one digest message per digest receiver: the summary lines from the routes' latest scorecards, then what its
     * buffer holds. Sent on a quiet day too (docs/usage.md): no flag is news, and the summary lines are the day's figures.
     */
    public void sendDigests(LocalDate day) {
        List<String> summary = summary();
        for (Receiver r : receivers) {
            DigestBuffer buffer = digests.get(r.config().name());
            if (buffer == null) {
                continue;
            }
            List<Alert> held = buffer.read();
            workers.get(r.config().name()).offer(new DeliveryWorker.Job("digest " + day, r.digest(day, held, summary), new DeliveryWorker.Outcome() {
                @Override
                public void delivered() {
                    buffer.dropFirst(held.size());
                }

                @Override
                public void refused(String reason) {
                    LOG.error("digest for {} refused, kept for the next one: {}", day, reason);
                }
            }));
        }
    }

    /** The digest's summary lines; a guard.scorecards that cannot be read is said, not fatal to the digest. */
    private List<String> summary() {
        try {
            ScorecardReader.Read read = ScorecardReader.read(config.bootstrap(), config.controlKey() == null ? null
                    : dev.pilotlight.common.control.CommandSigner.fromSecret(config.controlKey()));
            List<String> lines = new ArrayList<>(DigestSummary.of(read.routes().values()));
            if (!read.verified()) {
                lines.add("(scorecard signatures not checked: give the notifier PILOTLIGHT_CONTROL_KEY)");
            }
            return lines;
        } catch (RuntimeException e) {
            LOG.warn("digest without summary lines: guard.scorecards could not be read", e);
            return List.of("(no summary: guard.scorecards could not be read: " + e.getMessage() + ")");
        }
    }

    /** Alerts currently firing, as this notifier knows them. */
    public Map<String, Alert> firing() {
        return Map.copyOf(firing);
    }

    /** Per receiver: delivered, refused, retries, queued. */
    public Map<String, long[]> stats() {
        Map<String, long[]> out = new LinkedHashMap<>();
        workers.forEach((name, w) -> out.put(name, new long[] {w.delivered(), w.refused(), w.retries(), w.queued()}));
        return out;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        poller.join(10_000);
        scheduler.shutdownNow();
        for (DeliveryWorker w : workers.values()) {
            w.close();
        }
        deadLetters.close(Duration.ofSeconds(5));
    }
}
