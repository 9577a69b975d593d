package dev.pilotlight.notify.delivery;

import io.github.resilience4j.core.IntervalFunction;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers to one receiver, in order, on its own thread: a slow or dead receiver holds up only its
 * own queue. Network errors (an unreachable mail server too), 429 and 5xx are retried with exponential backoff and jitter for as
 * long as it takes; any other answer is final (a 400 means the message itself is wrong).
 */
public final class DeliveryWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);

    /** One message; {@code done} runs once it is delivered or finally refused (then with the reason). */
    public record Job(String what, Message message, Outcome done) {}

    public interface Outcome {
        void delivered();

        void refused(String reason);
    }

    private final String receiver;
    private final HttpClient client;
    private final BlockingQueue<Job> queue;
    private final IntervalFunction backoff;
    private final Thread thread;
    private volatile boolean running = true;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();

    public DeliveryWorker(String receiver, HttpClient client, int capacity, Duration initialBackoff, Duration maxBackoff) {
        this.receiver = receiver;
        this.client = client;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(initialBackoff, 2.0, 0.2, maxBackoff);
        this.thread = new Thread(this::run, "notify-" + receiver);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** @return false when the queue is full (the caller pauses consumption) */
    public boolean offer(Job job) {
        return queue.offer(job);
    }

    public int queued() {
        return queue.size();
    }

    public int capacity() {
        return queue.size() + queue.remainingCapacity();
    }

    public long delivered() {
        return delivered.get();
    }

    public long refused() {
        return refused.get();
    }

    public long retries() {
        return retries.get();
    }

    private void run() {
        while (running) {
            Job job;
            try {
                job = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (job != null) {
                deliver(job);
            }
        }
    }

    private void deliver(Job job) {
        for (int attempt = 1; running; attempt++) {
            String problem;
            try {
                Message.Attempt sent = job.message().send(client);
                ReceiverAnswer answer = sent.answer();
                if (answer == ReceiverAnswer.DELIVERED) {
                    delivered.incrementAndGet();
                    job.done().delivered();
                    return;
                }
                problem = sent.problem();
                if (answer == ReceiverAnswer.REFUSED) {
                    refused.incrementAndGet();
                    LOG.error("receiver {} refused {}: {}", receiver, job.what(), problem);
                    job.done().refused("receiver " + receiver + " refused the alert: " + problem);
                    return;
                }
            } catch (IOException e) {
                problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // not acknowledged: delivered again after a restart
            }
            long wait = backoff.apply(attempt);
            retries.incrementAndGet();
            LOG.warn("receiver {} unreachable for {} (attempt {}): {}; retrying in {} ms", receiver, job.what(), attempt, problem, wait);
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5000);
    }
}
