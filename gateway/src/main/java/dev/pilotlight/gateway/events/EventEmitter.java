package dev.pilotlight.gateway.events;

import dev.pilotlight.common.codec.JsonCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records to Kafka without ever blocking the caller and without losing them: records go
 * into a bounded queue and one thread hands them to the producer. What Kafka does not take (the
 * queue is full, the producer refuses, or delivery times out) goes to the on-disk spool, which a
 * second thread delivers, oldest first, once Kafka answers again. Only a full spool drops records,
 * and those are counted.
 */
public final class EventEmitter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventEmitter.class);
    /** How long the sender rests when it found nothing to send. */
    static final long HANDOFF_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** Empty rests in a row (50 ms without a record) after which the sender waits to be woken instead. */
    static final int QUIET_PAUSES = 25;
    private static final int BATCH = 1024;

    private final Producer<String, byte[]> producer;
    private final DiskSpool spool;
    private final BlockingQueue<ProducerRecord<String, byte[]>> queue;
    private final Thread sender;
    private final ScheduledExecutorService redeliverer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "event-spool");
        t.setDaemon(true);
        return t;
    });
    private final Duration deliveryTimeout;
    private final AtomicLong emitted = new AtomicLong();
    private final AtomicLong spooled = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running = true;
    /** Rests in a row the sender found nothing to send (written by the sender only; read by {@link #quiet()}). */
    private volatile int emptyRests;
    /** While Kafka is known to be unreachable, records go straight to the spool instead of each waiting max.block.ms. */
    private volatile boolean kafkaDown;

    public EventEmitter(String bootstrap, String clientId, int capacity, DiskSpool spool, Duration deliveryTimeout) {
        this(new KafkaProducer<>(producerConfig(bootstrap, clientId, deliveryTimeout), new StringSerializer(), new ByteArraySerializer()),
                capacity, spool, deliveryTimeout);
    }

    static Map<String, Object> producerConfig(String bootstrap, String clientId, Duration deliveryTimeout) {
        long delivery = deliveryTimeout.toMillis();
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                // an unreachable broker must surface quickly so records go to the spool, not wait in memory
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, delivery / 2),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) delivery);
    }

    EventEmitter(Producer<String, byte[]> producer, int capacity, DiskSpool spool, Duration deliveryTimeout) {
        this.producer = producer;
        this.spool = spool;
        this.deliveryTimeout = deliveryTimeout;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sender = new Thread(this::drain, "event-emitter");
        this.sender.setDaemon(true);
        this.sender.start();
        redeliverer.scheduleWithFixedDelay(this::redeliver, 1, 1, TimeUnit.SECONDS);
    }

    /** Queues one record; never blocks. When the queue is full the record goes straight to the spool. */
    public void emit(String topic, String key, Object record) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, key, JsonCodec.encode(record));
        if (!queue.offer(r)) {
            toSpool(r);
        }
    }

    /**
     * The sender picks records up in batches, resting {@link #HANDOFF_PAUSE_NANOS} when it found none, rather than
     * being woken for each record: a busy request thread never pays for waking it (docs/architecture.md, "Gateway
     * threads"); the producer lingers 5 ms anyway. After {@link #QUIET_PAUSES} empty rests in a row it waits to be
     * woken by the next record instead, so an idle replica does not wake 500 times a second.
     */
    private void drain() {
        List<ProducerRecord<String, byte[]>> batch = new ArrayList<>(BATCH);
        while (running || !queue.isEmpty()) {
            if (queue.drainTo(batch, BATCH) > 0) {
                emptyRests = 0;
                batch.forEach(this::send);
                batch.clear();
            } else if (Thread.currentThread().isInterrupted()) {
                return;
            } else if (emptyRests < QUIET_PAUSES) {
                emptyRests++;
                LockSupport.parkNanos(HANDOFF_PAUSE_NANOS);
            } else {
                try {
                    ProducerRecord<String, byte[]> r = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (r != null) {
                        emptyRests = 0;
                        send(r);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void send(ProducerRecord<String, byte[]> r) {
        if (kafkaDown) {
            toSpool(r); // the redeliverer probes Kafka and clears the flag when it answers
            return;
        }
        try {
            producer.send(r, (meta, err) -> {
                if (err == null) {
                    emitted.incrementAndGet();
                } else {
                    kafkaDown = true;
                    toSpool(r);
                }
            });
        } catch (RuntimeException e) {
            kafkaDown = true;
            toSpool(r); // metadata unavailable within max.block.ms, buffer full, producer closed
        }
    }

    private void toSpool(ProducerRecord<String, byte[]> r) {
        if (spool.append(r.topic(), r.key(), r.value())) {
            spooled.incrementAndGet();
        } else {
            dropped.incrementAndGet();
            LOG.error("event to {} dropped: spool full ({} bytes)", r.topic(), spool.bytes());
        }
    }

    /** Delivers spooled segments while Kafka takes them; stops at the first failure and tries again later. */
    private void redeliver() {
        try {
            while (spool.depth() > 0 && spool.deliverOldest(this::sendAll)) {
                LOG.info("spooled events delivered; {} left", spool.depth());
            }
            if (kafkaDown && spool.depth() == 0) {
                kafkaDown = false;
                LOG.info("Kafka reachable again");
            }
        } catch (RuntimeException e) {
            LOG.warn("spool redelivery failed: {}", e.toString());
        }
    }

    private boolean sendAll(List<DiskSpool.Entry> entries) {
        try {
            List<Future<RecordMetadata>> acks = entries.stream()
                    .map(e -> producer.send(new ProducerRecord<>(e.topic(), e.key(), e.value()))).toList();
            for (Future<RecordMetadata> a : acks) {
                a.get(deliveryTimeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            redelivered.addAndGet(entries.size());
            return true;
        } catch (Exception e) {
            kafkaDown = true;
            return false; // the whole segment is sent again later; Kafka may see some records twice
        }
    }

    public long emitted() {
        return emitted.get();
    }

    public long spooled() {
        return spooled.get();
    }

    public long redelivered() {
        return redelivered.get();
    }

    public long dropped() {
        return dropped.get();
    }

    /** False while records are going to the spool because Kafka did not take them. */
    public boolean kafkaReachable() {
        return !kafkaDown;
    }

    public long spoolDepth() {
        return spool.depth();
    }

    /** Whether the sender has gone quiet: it waits to be woken by the next record instead of looking every 2 ms. */
    boolean quiet() {
        return emptyRests >= QUIET_PAUSES;
    }

    public int queued() {
        return queue.size();
    }

    /** Stops accepting, hands what is queued to Kafka, flushes; what Kafka does not take stays in the spool. */
    @Override
    public void close() {
        running = false;
        try {
            sender.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        redeliverer.shutdownNow();
        producer.flush();
        producer.close(Duration.ofSeconds(5));
        spool.close();
    }
}
