package dev.pilotlight.gateway.drift;

import dev.pilotlight.common.event.InvocationEvent;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds the language and input/output topics to a sample of answered calls, off the request path
 * (docs/drift.md, "Where the embedding runs"). The request thread only decides and enqueues: a call
 * that is not sampled, over its route's rate, or meets a full queue is emitted at once without them
 * (and counted), as is every call while the models are still loading (the first seconds of a replica);
 * a sampled one is emitted by the sampler's thread once its texts are embedded (tens of milliseconds
 * later, with the time it ended). Nothing here ever delays or fails a request, and on
 * close every queued event is still emitted.
 */
public final class DriftSampler implements AutoCloseable {
    /** Bounded: with ~40 ms per call (two texts) a full queue is ~2.5 s of work, well inside the guard's out-of-orderness budget. */
    static final int QUEUE = 64;
    private static final Logger LOG = LoggerFactory.getLogger(DriftSampler.class);

    private record Job(String route, DriftSampling drift, String input, String output, InvocationEvent.Builder event,
                       Consumer<InvocationEvent.Builder> emit) {}

    private final Map<String, DriftSampling> routes;
    private final Map<String, Bucket> rates = new HashMap<>();
    private final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread worker;
    // both loaded by the worker before its first job (language profiles take about a second, the model two)
    private LanguageGuess language;
    private TopicModel topics;
    private volatile boolean closing;
    /** Set once the models are loaded: until then nothing is queued, so no event waits seconds for a model (the cost guard reads them). */
    private volatile boolean warm;
    private final AtomicLong sampled = new AtomicLong();
    private final AtomicLong skippedRate = new AtomicLong();
    private final AtomicLong skippedBusy = new AtomicLong();
    /** The worker's CPU time at the last reading: kept, so the counter never falls back once the worker has ended. */
    private final AtomicLong cpuNanos = new AtomicLong();

    /** @param routes the routes that sample (others are never queued); topics load the embedding model once, on the worker */
    public DriftSampler(Map<String, DriftSampling> routes) {
        this.routes = Map.copyOf(routes);
        this.routes.forEach((r, d) -> rates.put(r, Bucket.builder().addLimit(Bandwidth.builder().capacity(d.maxPerSecond())
                .refillGreedy(d.maxPerSecond(), Duration.ofSeconds(1)).build()).build()));
        worker = new Thread(this::work, "drift-sampler");
        worker.setDaemon(true);
        if (!this.routes.isEmpty()) {
            worker.start();
        }
    }

    /** Emits the event now, or queues it for its drift features when its route samples this call. */
    public void emit(String route, String redactedInput, String redactedOutput, InvocationEvent.Builder event,
                     Consumer<InvocationEvent.Builder> emit) {
        DriftSampling d = route == null ? null : routes.get(route);
        if (d == null || closing || ThreadLocalRandom.current().nextDouble() >= d.sample()) {
            emit.accept(event);
            return;
        }
        if (!rates.get(route).tryConsume(1)) {
            skippedRate.incrementAndGet();
            emit.accept(event);
            return;
        }
        if (!warm || !queue.offer(new Job(route, d, redactedInput, redactedOutput, event, emit))) {
            skippedBusy.incrementAndGet();
            emit.accept(event);
        }
    }

    private void work() {
        language = new LanguageGuess(languagesToLoad(routes.values()));
        try {
            if (routes.values().stream().anyMatch(d -> !d.topics().isEmpty())) {
                topics = new TopicModel(routes);
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("the topic model did not load; sampled calls get a language only", e);
        }
        warm = true;
        while (!closing || !queue.isEmpty()) {
            Job j;
            try {
                j = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (j != null) {
                featuresThenEmit(j);
            }
        }
        Job left;
        while ((left = queue.poll()) != null) { // interrupted: still emit, without features
            left.emit().accept(left.event());
        }
    }

    /** The union of the routes' languages; every language as soon as one route names none. */
    static Set<String> languagesToLoad(Collection<DriftSampling> routes) {
        if (routes.stream().anyMatch(d -> d.languages().isEmpty())) {
            return Set.of();
        }
        return routes.stream().flatMap(d -> d.languages().stream()).collect(Collectors.toUnmodifiableSet());
    }

    private void featuresThenEmit(Job j) {
        try {
            j.event().language(language.of(j.input()));
            if (topics != null) {
                j.event().inputTopic(topics.nearest(j.route(), j.input(), j.drift().minSimilarity()))
                        .outputTopic(topics.nearest(j.route(), j.output(), j.drift().minSimilarity()));
            }
            sampled.incrementAndGet();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("drift features of a call on {} failed; emitted without them", j.route(), e);
        } finally {
            j.emit().accept(j.event());
        }
    }

    /** Whether the models are loaded (calls are sampled from then on). */
    public boolean warm() {
        return warm;
    }

    /** Calls given drift features, and calls emitted without them because of the rate or a full queue (monotonic). */
    public Map<String, Double> counts() {
        return Map.of("sampled", (double) sampled.get(), "skipped_rate", (double) skippedRate.get(),
                "skipped_busy", (double) skippedBusy.get(), "queued", (double) queue.size());
    }

    /**
     * CPU time the sampler's thread has used since start (loading the models, then embedding), in seconds: what drift
     * features cost this replica, a budget its route's {@code max-per-second} sets (docs/drift.md). 0 where the JVM
     * cannot measure a thread's CPU time.
     */
    public double cpuSeconds() {
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        long now = t.isThreadCpuTimeSupported() && t.isThreadCpuTimeEnabled() ? t.getThreadCpuTime(worker.getId()) : -1;
        return cpuNanos.accumulateAndGet(now, Math::max) / 1e9; // -1 once the thread has ended (or never started)
    }

    /** Stops sampling; the queued calls are emitted before this returns (at most a few seconds). */
    @Override
    public void close() {
        closing = true;
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            worker.interrupt();
        }
    }
}
