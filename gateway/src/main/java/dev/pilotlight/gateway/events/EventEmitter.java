package dev.pilotlight.gateway.events;

import dev.pilotlight.common.codec.JsonCodec;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records to Kafka without ever blocking the caller: records go into a bounded queue and one
 * thread hands them to the producer (whose send can block on metadata or a full buffer). When the
 * queue is full the record is dropped and counted, never waited for.
 */
public final class EventEmitter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventEmitter.class);

    private final Producer<String, byte[]> producer;
    private final BlockingQueue<ProducerRecord<String, byte[]>> queue;
    private final Thread sender;
    private final AtomicLong emitted = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running = true;

    public EventEmitter(String bootstrap, String clientId, int capacity) {
        this(new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000),
                new StringSerializer(), new ByteArraySerializer()), capacity);
    }

    EventEmitter(Producer<String, byte[]> producer, int capacity) {
        this.producer = producer;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sender = new Thread(this::drain, "event-emitter");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    /** Queues one record; returns false (and counts a drop) when the queue is full. */
    public boolean emit(String topic, String key, Object record) {
        boolean queued = queue.offer(new ProducerRecord<>(topic, key, JsonCodec.encode(record)));
        if (!queued) {
            dropped.incrementAndGet();
        }
        return queued;
    }

    /** Sends synchronously; for the rare record whose publication the caller must know (release state). */
    public void sendNow(String topic, String key, Object record) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, JsonCodec.encode(record))).get(30, TimeUnit.SECONDS);
    }

    private void drain() {
        while (running || !queue.isEmpty()) {
            try {
                ProducerRecord<String, byte[]> r = queue.poll(100, TimeUnit.MILLISECONDS);
                if (r == null) {
                    continue;
                }
                producer.send(r, (meta, err) -> {
                    if (err == null) {
                        emitted.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        LOG.warn("event to {} not delivered: {}", r.topic(), err.toString());
                    }
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                LOG.warn("event not handed to Kafka: {}", e.toString());
            }
        }
    }

    public long emitted() {
        return emitted.get();
    }

    public long failed() {
        return failed.get();
    }

    public long dropped() {
        return dropped.get();
    }

    public int queued() {
        return queue.size();
    }

    /** Stops accepting, sends what is queued, flushes the producer. */
    @Override
    public void close() {
        running = false;
        try {
            sender.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.flush();
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
