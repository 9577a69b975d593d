package dev.pilotlight.local.bench;

import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.DriftScore;
import dev.pilotlight.common.event.DriftSnapshot;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.local.progress.Progress;
import dev.pilotlight.local.stack.LocalGuardJob;
import dev.pilotlight.testkit.kafka.EmbeddedKafka;
import dev.pilotlight.testkit.kafka.TopicReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * False alarms of the drift module: a long stable stream (no shift at all: every feature drawn from
 * one distribution throughout, feedback on half the calls) through the guard job with the shipped
 * rule files, and how many drift scores, "drifted" decisions and drift alerts it produced. Run for
 * the demo profile (10 s windows) and the default one (1 h windows) in one go (docs/benchmarks.md).
 */
public final class DriftFalseAlarmBench {
    private static final String KEY = "bench-key-bench-key-bench-key-0123";
    private static final List<String> DRIFT_RULES = List.of("input-drift-significant", "output-drift-significant", "performance-drift",
            "drift-moderate");
    private static final String[] TOPICS = {"denial", "approval", "missing-documents", "status-update"};
    private static final double[] TOPIC_MIX = {0.4, 0.35, 0.2, 0.05};

    private final int events;
    private final Path home;
    private final PrintStream out;

    public DriftFalseAlarmBench(Path home, int events, PrintStream out) {
        this.home = home;
        this.events = events;
        this.out = out;
    }

    /** @param profile demo, default or both */
    public void run(String profile) throws Exception {
        try (Progress progress = Progress.start("bench drift", System.err)) {
            if (!profile.equals("default")) {
                run(progress, "demo (10 s windows, 25 calls/s)", home.resolve("config/drift.demo.yaml"), 25.0);
            }
            if (!profile.equals("demo")) {
                run(progress, "default (1 h windows, " + Math.round(events / 20.0) + " calls/h)", null, events / 20.0 / 3600);
            }
        }
    }

    private void run(Progress progress, String name, Path settings, double callsPerSecond) throws Exception {
        progress.phase(name + ": starting the broker");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createContractTopics();
            long span = Math.round(events / callsPerSecond * 1000);
            long start = System.currentTimeMillis() - span - 60_000;
            AtomicLong written = new AtomicLong();
            progress.phase(name + ": writing " + events + " stable calls over " + Duration.ofMillis(span).toMinutes() + " min of event time",
                    () -> written.get() + " written");
            Random r = new Random(5);
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.LINGER_MS_CONFIG, "5", ProducerConfig.BATCH_SIZE_CONFIG, "262144"), new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < events; i++, written.incrementAndGet()) {
                    long ts = start + Math.round(i / callsPerSecond * 1000);
                    InvocationEvent e = stableCall(i, ts, r);
                    p.send(new ProducerRecord<>(Topics.INVOCATIONS, e.userId(), JsonCodec.encode(e)));
                    if (i % 2 == 0) {
                        FeedbackEvent f = new FeedbackEvent(1, "f" + i, ts + 500, e.eventId(), e.userId(), r.nextDouble() < 0.85
                                ? FeedbackEvent.Rating.UP : FeedbackEvent.Rating.DOWN, r.nextDouble() < 0.8 ? FeedbackEvent.Acceptance.ACCEPTED
                                : FeedbackEvent.Acceptance.REJECTED, r.nextDouble() * 0.3, null, null, e.route(), e.promptVersion(), null, e.model());
                        p.send(new ProducerRecord<>(Topics.FEEDBACK, e.userId(), JsonCodec.encode(f)));
                    }
                }
                p.flush();
            }
            long end = start + span;
            progress.phase(name + ": guard job (modules drift, alerts) reading the backlog until every window is scored");
            List<String> args = new ArrayList<>(List.of("--modules", "drift,alerts"));
            if (settings != null) {
                args.addAll(List.of("--drift-settings", settings.toString()));
            }
            JobClient job = LocalGuardJob.start(kafka.bootstrapServers(), home.resolve("alert-rules"), Files.createTempDirectory("bench-drift-"),
                    KEY, 1, args.toArray(String[]::new));
            try {
                long lastWindowStart = settings == null ? end / 3_600_000 * 3_600_000 : end / 10_000 * 10_000;
                boolean done = Deadline.in(Duration.ofMinutes(10)).await(() -> TopicReader.has(kafka.bootstrapServers(), Topics.DRIFT,
                        rec -> JsonCodec.decode(rec.value(), DriftSnapshot.class).windowStart() >= lastWindowStart - (settings == null ? 3_600_000 : 10_000)));
                report(name, kafka.bootstrapServers(), done);
            } finally {
                job.cancel().get();
            }
        }
    }

    private void report(String name, String bootstrap, boolean done) {
        List<DriftScore> scores = new ArrayList<>();
        int windows = 0;
        long counted = 0;
        for (ConsumerRecord<String, byte[]> rec : TopicReader.all(bootstrap, Topics.DRIFT)) {
            DriftSnapshot s = JsonCodec.decode(rec.value(), DriftSnapshot.class);
            windows++;
            scores.addAll(s.scores());
            counted += s.current().getOrDefault("input_chars", Map.of()).values().stream().mapToLong(Long::longValue).sum();
        }
        long scored = scores.stream().filter(s -> s.psi() != null).count();
        long drifted = scores.stream().filter(s -> Boolean.TRUE.equals(s.drifted())).count();
        long moderate = scores.stream().filter(s -> Boolean.TRUE.equals(s.drifted()) && s.psi() >= 0.1).count();
        long significant = scores.stream().filter(s -> Boolean.TRUE.equals(s.drifted()) && s.psi() >= 0.2).count();
        double maxPsi = scores.stream().filter(s -> s.psi() != null).mapToDouble(DriftScore::psi).max().orElse(0);
        List<Alert> alerts = TopicReader.all(bootstrap, Topics.ALERTS).stream().map(rec -> JsonCodec.decode(rec.value(), Alert.class))
                .filter(a -> DRIFT_RULES.contains(a.ruleId()) && a.state() == Alert.State.FIRING).toList();
        out.printf("%s: %d stable calls (+%d feedback), %d release windows%s%n", name, events, events / 2, windows, done ? "" : " (INCOMPLETE)");
        out.printf("  drift scores %d (%d with a score), test said drifted %d (%.2f %%), drifted with PSI >= 0.1: %d, >= 0.2: %d, max PSI %.3f%n",
                scores.size(), scored, drifted, scored == 0 ? 0 : 100.0 * drifted / scored, moderate, significant, maxPsi);
        out.printf("  calls counted in closed drift windows: %d of %d (the rest: the last window, still open when the bench stopped, or late)%n",
                counted, events);
        out.printf("  drift alerts FIRING: %d%s%n", alerts.size(), alerts.isEmpty() ? "" : " " + alerts.stream()
                .map(a -> a.ruleId() + ":" + a.labels().get("feature") + ":" + a.labels().get("reference")).toList());
    }

    /** One call of a stable pilot: every feature from the same distribution all the time. */
    static InvocationEvent stableCall(int i, long ts, Random r) {
        long in = Math.round(Math.exp(5.3 + 0.5 * r.nextGaussian()));
        long out = Math.round(Math.exp(5.5 + 0.6 * r.nextGaussian()));
        boolean sampled = r.nextBoolean();
        boolean ok = r.nextDouble() >= 0.02;
        return InvocationEvent.builder().eventId("s" + i).timestamp(ts).gatewayId("gw-bench").tenant("acme").userId("pilot-" + r.nextInt(40))
                .route("claims-letter").promptId("claims-letter").promptVersion("1.0.0").model("sim-model")
                .status(ok ? InvocationStatus.OK : InvocationStatus.ERROR).latencyMs(400 + r.nextInt(800))
                .inputTokens(in).inputChars(in * 4 + r.nextInt(4)).outputTokens(ok ? out : 0).outputChars(ok ? out * 4 + r.nextInt(4) : 0)
                .queryClass(r.nextDouble() < 0.6 ? "simple" : "complex").finishReason(ok ? (r.nextDouble() < 0.97 ? "stop" : "length") : null)
                .refusal(ok && r.nextDouble() < 0.01).citations(List.of()).outputFlags(List.of())
                .language(sampled ? (r.nextDouble() < 0.95 ? "en" : "de") : null)
                .inputTopic(sampled ? pick(r) : null).outputTopic(sampled && ok ? pick(r) : null).build();
    }

    private static String pick(Random r) {
        double x = r.nextDouble();
        for (int i = 0; i < TOPICS.length; i++) {
            x -= TOPIC_MIX[i];
            if (x < 0) {
                return TOPICS[i];
            }
        }
        return TOPICS[0];
    }
}
