package dev.pilotlight.local.bench;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.testkit.kafka.EmbeddedKafka;
import dev.pilotlight.local.scenario.AlertWatcher;
import dev.pilotlight.common.Deadline;
import dev.pilotlight.local.stack.LocalGuardJob;
import dev.pilotlight.local.progress.Progress;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./pilotlight bench alerts}: (1) the time from the event that makes a rule's condition true to
 * its FIRING record on guard.alerts, with background traffic at a fixed rate, for the default rules
 * plus a probe rule; (2) the throughput of the metrics and rules modules together against a plain
 * Kafka consumer that only parses the same JSON, on the same preloaded data in the same run.
 * Everything (broker, MiniCluster, producer) shares this machine's cores.
 */
public final class AlertingBench {
    private static final String KEY = "bench-key-bench-key-bench-key-0123";
    /** Fires on the 5th error of a route within 10 s: one FIRING per fresh probe route. */
    private static final String PROBE_RULE = """
            rules:
              - id: bench-probe
                metric: errors
                group_by: [route]
                window: 10s
                op: ">="
                threshold: 5
                tier: 1
            """;

    private final int rate;
    private final int seconds;
    private final int warmup;
    private final int preload;
    private final PrintStream out;

    private final String modules;

    /** @param modules the guard modules of the throughput part ({@code --modules}: all, or e.g. metrics,alerts) */
    public AlertingBench(int rate, int seconds, int warmup, int preload, String modules, PrintStream out) {
        this.modules = modules;
        this.rate = rate;
        this.seconds = seconds;
        this.warmup = warmup;
        this.preload = preload;
        this.out = out;
    }

    private static Path rules() throws Exception {
        Path dir = Files.createTempDirectory("bench-rules-");
        for (Path f : Files.list(Path.of("alert-rules")).toList()) {
            Files.copy(f, dir.resolve(f.getFileName()));
        }
        Files.writeString(dir.resolve("bench-probe.yaml"), PROBE_RULE);
        return dir;
    }

    private static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, "2", ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.BATCH_SIZE_CONFIG, "262144"),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** An ordinary call: one of 50 routes, 2,000 users, 2 % errors, log-normal-ish latency. */
    static InvocationEvent background(long n, long ts) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return InvocationEvent.builder().eventId("b" + n).timestamp(ts).gatewayId("gw-bench").tenant("tenant-" + n % 5)
                .userId("user-" + r.nextInt(2000)).route("route-" + n % 50).promptId("route-" + n % 50).promptVersion("1.0.0")
                .model("sim-model").status(r.nextInt(100) < 2 ? InvocationStatus.ERROR : InvocationStatus.OK)
                .latencyMs(200 + (long) (r.nextDouble() * r.nextDouble() * 3000)).inputTokens(300).outputTokens(150)
                .costUsd(0.002).build();
    }

    static InvocationEvent probeError(String route, int i, long ts) {
        return InvocationEvent.builder().eventId(route + "-" + i).timestamp(ts).gatewayId("gw-bench").tenant("tenant-probe")
                .userId("probe-" + route).route(route).promptId(route).promptVersion("1.0.0").status(InvocationStatus.ERROR).build();
    }

    /** @param part latency, throughput or both */
    public void run(String part) throws Exception {
        try (Progress progress = Progress.start("bench alerts", System.err)) {
            if (!part.equals("throughput")) {
                latency(progress);
            }
            if (!part.equals("latency")) {
                throughput(progress);
            }
        }
    }

    private void latency(Progress progress) throws Exception {
        progress.phase("latency: starting the broker and the guard job");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createContractTopics();
            JobClient job = LocalGuardJob.start(kafka.bootstrapServers(), rules(), Files.createTempDirectory("bench-job-"), KEY, 1,
                    "--checkpoint-interval", System.getProperty("bench.checkpoint-interval", "10s"));
            try (KafkaProducer<String, byte[]> producer = producer(kafka); AlertWatcher alerts = new AlertWatcher(kafka.bootstrapServers())) {
                Map<String, Long> sentAt = new ConcurrentHashMap<>();
                Map<String, Long> ackedAt = new ConcurrentHashMap<>(); // the broker has it: what remains is the job's
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong sent = new AtomicLong();
                Thread load = new Thread(() -> {
                    long start = System.nanoTime();
                    long periodNanos = 1_000_000_000L / rate;
                    long n = 0;
                    int probe = 0;
                    while (!stop.get()) {
                        long due = start + n * periodNanos;
                        long now = System.nanoTime();
                        if (now < due) {
                            // pace by parking, not spinning: the load must not take a core from the job it measures
                            java.util.concurrent.locks.LockSupport.parkNanos(Math.max(due - now, 1_000_000));
                            continue;
                        }
                        long ts = System.currentTimeMillis();
                        InvocationEvent e = background(n, ts);
                        producer.send(new ProducerRecord<>(Topics.INVOCATIONS, e.userId(), JsonCodec.encode(e)));
                        n++;
                        if (n % (rate / 5) == 0) { // five probes a second: four errors, then the one that makes the rule true
                            String route = "probe-" + probe++;
                            for (int i = 0; i < 5; i++) {
                                InvocationEvent p = probeError(route, i, System.currentTimeMillis());
                                boolean last = i == 4;
                                if (last) {
                                    sentAt.put(route, System.currentTimeMillis());
                                }
                                producer.send(new ProducerRecord<>(Topics.INVOCATIONS, p.userId(), JsonCodec.encode(p)), (md, ex) -> {
                                    if (last && ex == null) {
                                        ackedAt.put(route, System.currentTimeMillis());
                                    }
                                });
                            }
                        }
                        sent.set(n);
                    }
                }, "bench-load");
                load.start();
                long t0 = System.currentTimeMillis();
                ThreadCpuTimeline cpu = ThreadCpuTimeline.start(t0, 5000);
                Supplier<String> figures = () -> sent.get() + " events sent, " + sentAt.size() + " probes, "
                        + sentAt.keySet().stream().filter(r -> alerts.first(a -> isProbe(a, r)).isPresent()).count() + " probe alerts read";
                progress.phase("latency: warm-up (" + warmup + " s at " + rate + " events/s)", figures);
                Thread.sleep(warmup * 1000L); // the warm-up period itself
                long measureFrom = System.currentTimeMillis();
                long sentBefore = sent.get();
                progress.phase("latency: measuring (" + seconds + " s)", figures);
                Thread.sleep(seconds * 1000L); // the measured period itself
                long measureTo = System.currentTimeMillis();
                long sentDuring = sent.get() - sentBefore;
                stop.set(true);
                load.join();
                producer.flush();
                progress.phase("latency: waiting up to 30 s for the last probes' alerts", figures);
                Deadline.in(Duration.ofSeconds(30)).await(() -> sentAt.keySet().stream().allMatch(r -> alerts.first(a -> isProbe(a, r)).isPresent()));
                Histogram h = new Histogram(3_600_000L, 3);
                Histogram inJob = new Histogram(3_600_000L, 3); // sent -> appended to guard.alerts
                Histogram toBroker = new Histogram(3_600_000L, 3); // sent -> acknowledged by the broker
                String worst = null;
                long worstMs = -1;
                java.util.TreeMap<Long, Long> worstPer5s = new java.util.TreeMap<>(); // when in the run the delays happen
                int missing = 0;
                for (Map.Entry<String, Long> p : sentAt.entrySet()) {
                    if (p.getValue() < measureFrom || p.getValue() > measureTo) {
                        continue;
                    }
                    var seen = alerts.first(a -> isProbe(a, p.getKey()));
                    if (seen.isEmpty()) {
                        missing++;
                    } else {
                        long ms = Math.max(0, seen.get().seenAt() - p.getValue());
                        h.recordValue(ms);
                        inJob.recordValue(Math.max(0, seen.get().writtenAt() - p.getValue()));
                        toBroker.recordValue(Math.max(0, ackedAt.getOrDefault(p.getKey(), p.getValue()) - p.getValue()));
                        worstPer5s.merge((p.getValue() - t0) / 5000 * 5, ms, Math::max);
                        if (ms > worstMs) {
                            worstMs = ms;
                            worst = p.getKey() + " sent at " + java.time.Instant.ofEpochMilli(p.getValue());
                        }
                    }
                }
                out.printf("alert latency, condition-true event sent -> FIRING read from %s, background %d events/s (achieved %.0f/s), %d s after %d s warm-up:%n",
                        Topics.ALERTS, rate, sentDuring * 1000.0 / (measureTo - measureFrom), seconds, warmup);
                out.printf("  probes %d, missing %d, p50 %d ms, p90 %d ms, p99 %d ms, max %d ms%n", h.getTotalCount(), missing,
                        h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getMaxValue());
                out.printf("  of which sent -> appended to %s: p50 %d ms, p99 %d ms%n", Topics.ALERTS,
                        inJob.getValueAtPercentile(50), inJob.getValueAtPercentile(99));
                out.printf("  of which sent -> acknowledged by the broker: p50 %d ms, p99 %d ms, max %d ms%n",
                        toBroker.getValueAtPercentile(50), toBroker.getValueAtPercentile(99), toBroker.getMaxValue());
                out.printf("  slowest probe: %s (%d ms)%n", worst, worstMs);
                StringBuilder timeline = new StringBuilder("  slowest per 5 s (s since start: ms):");
                worstPer5s.forEach((sec, ms) -> timeline.append(' ').append(sec).append(':').append(ms));
                out.println(timeline);
                if (cpu != null) {
                    cpu.close();
                    out.println("  CPU per 5 s slice (s since start: thread group ms/s, digits shown as #):");
                    cpu.busiest(6).forEach((sec, line) -> out.printf("    %d: slowest probe %s ms; %s%n", sec,
                            worstPer5s.containsKey(sec) ? worstPer5s.get(sec) : "-", line));
                }
                out.printf("  (started %d ms after the job; rules: alert-rules/ + bench-probe)%n", measureFrom - t0);
            } finally {
                job.cancel().get();
            }
        }
    }

    private static boolean isProbe(Alert a, String route) {
        return a.ruleId().equals("bench-probe") && a.state() == Alert.State.FIRING && route.equals(a.labels().get("route"));
    }

    private void throughput(Progress progress) throws Exception {
        progress.phase("throughput: starting the broker");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createContractTopics();
            int partitions = 6;
            long base = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
            AtomicLong preloaded = new AtomicLong();
            progress.phase("throughput: preloading " + preload + " events", () -> preloaded.get() + " written");
            try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
                for (long n = 0; n < preload; n++, preloaded.incrementAndGet()) {
                    InvocationEvent e = background(n, base + n / 10); // 10,000 events per second of event time
                    producer.send(new ProducerRecord<>(Topics.INVOCATIONS, (int) (n % partitions), e.userId(), JsonCodec.encode(e)));
                }
                long end = base + preload / 10 + 1000;
                for (int p = 0; p < partitions; p++) { // one sentinel per partition: its alert says the partition is done
                    for (int i = 0; i < 5; i++) {
                        InvocationEvent s = probeError("sentinel-" + p, i, end + i);
                        producer.send(new ProducerRecord<>(Topics.INVOCATIONS, p, s.userId(), JsonCodec.encode(s)));
                    }
                }
                producer.flush();
            }
            long total = preload + 5L * partitions;
            double plain = 0;
            for (int round = 0; round < 2; round++) { // the first round warms the JIT
                progress.phase("throughput: plain consumer, round " + (round + 1) + " of 2");
                plain = plainConsumer(kafka, total);
            }
            out.printf("throughput on %d preloaded events (%d partitions):%n", total, partitions);
            out.printf("  plain consumer, JSON parse only: %.0f events/s%n", plain);
            Path rules = rules();
            int ruleCount = dev.pilotlight.common.rules.RuleSetLoader.load(rules).rules().size();
            try (AlertWatcher alerts = new AlertWatcher(kafka.bootstrapServers())) {
                long t0 = System.currentTimeMillis();
                progress.phase("throughput: starting the guard job on the backlog");
                JobClient job = LocalGuardJob.start(kafka.bootstrapServers(), rules, Files.createTempDirectory("bench-job-"), KEY, 1,
                        "--modules", modules);
                long running = System.currentTimeMillis();
                progress.phase("throughput: guard job reading the backlog (up to 10 min)", () -> java.util.stream.IntStream.range(0, partitions)
                        .filter(p -> alerts.first(a -> isProbe(a, "sentinel-" + p)).isPresent()).count() + " of " + partitions + " partitions done");
                try {
                    boolean done = Deadline.in(Duration.ofMinutes(10)).await(() -> {
                        for (int p = 0; p < partitions; p++) {
                            String route = "sentinel-" + p;
                            if (alerts.first(a -> isProbe(a, route)).isEmpty()) {
                                return false;
                            }
                        }
                        return true;
                    });
                    long last = 0;
                    for (int p = 0; p < partitions; p++) {
                        String route = "sentinel-" + p;
                        last = Math.max(last, alerts.first(a -> isProbe(a, route)).map(AlertWatcher.Seen::seenAt).orElse(0L));
                    }
                    double guard = total * 1000.0 / (last - running);
                    out.printf("  guard job, modules %s (%d rules), parallelism 1: %.0f events/s%s (submission took %d ms, not counted)%n",
                            modules, ruleCount, guard, done ? "" : " (INCOMPLETE)", running - t0);
                    out.printf("  ratio guard job / plain consumer: %.2f%n", guard / plain);
                    deadLetters(kafka);
                } finally {
                    job.cancel().get();
                }
            }
        }
    }

    /** What the run dead-lettered, by reason (the first words): a throughput bought by dropping events would show here. */
    private void deadLetters(EmbeddedKafka kafka) {
        Map<String, Long> reasons = dev.pilotlight.testkit.kafka.TopicReader.all(kafka.bootstrapServers(), Topics.DLQ).stream()
                .map(r -> JsonCodec.decode(r.value(), dev.pilotlight.common.event.DeadLetter.class).reason())
                .collect(java.util.stream.Collectors.groupingBy(r -> r.length() > 40 ? r.substring(0, 40) + "..." : r,
                        java.util.TreeMap::new, java.util.stream.Collectors.counting()));
        out.printf("  dead letters: %d%s%n", reasons.values().stream().mapToLong(Long::longValue).sum(), reasons.isEmpty() ? "" : " " + reasons);
    }

    private static double plainConsumer(EmbeddedKafka kafka, long total) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(Topics.INVOCATIONS).forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            long read = 0;
            long checksum = 0;
            long start = System.nanoTime();
            while (read < total) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    checksum += JsonCodec.decode(r.value(), InvocationEvent.class).latencyMs();
                    read++;
                }
            }
            double secs = (System.nanoTime() - start) / 1e9;
            if (checksum == 42) {
                System.out.print(""); // keeps the parse from being optimised away
            }
            return read / secs;
        }
    }
}
