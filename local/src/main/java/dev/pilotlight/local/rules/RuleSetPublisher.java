package dev.pilotlight.local.rules;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.event.SchemaVersion;
import dev.pilotlight.common.rules.Rule;
import dev.pilotlight.common.rules.RuleSet;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.common.rules.RuleSetUpdate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
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
 * Publishes a directory of rule files to guard.rules after validating it exactly as the job does,
 * and says what changes: threshold rules apply at once; sequence and absence rules are compiled into
 * the job graph, so their changes wait for a redeploy (Flink CEP has no dynamic patterns).
 */
public final class RuleSetPublisher {

    /** What a publish changed, for the operator to read. */
    public record Report(String version, List<String> applied, List<String> needRedeploy) {}

    private final String bootstrap;
    private final CommandSigner signer;

    /** @param signer the control key's signer: the job refuses an unsigned rule set */
    public RuleSetPublisher(String bootstrap, CommandSigner signer) {
        this.bootstrap = bootstrap;
        this.signer = signer;
    }

    /** @throws dev.pilotlight.common.rules.RuleValidationException with every problem, before anything is sent */
    public Report publish(Path dir, String by) throws Exception {
        Map<String, String> texts = new LinkedHashMap<>();
        RuleSetLoader.read(dir).forEach((path, text) -> texts.put(Path.of(path).getFileName().toString(), text));
        RuleSet next = RuleSetLoader.parse(texts);
        RuleSet previous = current().map(RuleSetUpdate::parse).orElse(new RuleSet("none", List.of()));
        RuleSetUpdate update = signer.sign(new RuleSetUpdate(SchemaVersion.CURRENT, next.version(), texts, System.currentTimeMillis(), by));
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(Topics.RULES, RuleSetUpdate.KEY, JsonCodec.encode(update))).get();
        }
        return diff(previous, next);
    }

    /** The rule set last published, if any. */
    public Optional<RuleSetUpdate> current() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(Topics.RULES, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            RuleSetUpdate last = null;
            while (c.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        last = JsonCodec.decode(r.value(), RuleSetUpdate.class);
                    }
                }
            }
            return Optional.ofNullable(last);
        }
    }

    static Report diff(RuleSet before, RuleSet after) {
        Map<String, Rule> old = before.rules().stream().collect(Collectors.toMap(Rule::id, Function.identity()));
        Map<String, Rule> now = after.rules().stream().collect(Collectors.toMap(Rule::id, Function.identity()));
        Set<String> ids = new TreeSet<>(old.keySet());
        ids.addAll(now.keySet());
        List<String> applied = new ArrayList<>();
        List<String> redeploy = new ArrayList<>();
        for (String id : ids) {
            Rule a = old.get(id);
            Rule b = now.get(id);
            String change = a == null ? "added" : b == null ? "removed" : same(a, b) ? null : "changed";
            if (change == null) {
                continue;
            }
            Rule r = b != null ? b : a;
            if (r instanceof dev.pilotlight.common.rules.ThresholdRule) {
                applied.add(id + " " + change);
            } else {
                redeploy.add(id + " " + change + " (" + (r instanceof dev.pilotlight.common.rules.SequenceRule ? "sequence" : "absence")
                        + " rule: compiled into the job graph)");
            }
        }
        changes(before.quotas(), after.quotas(), dev.pilotlight.common.cost.Quota::id, dev.pilotlight.common.cost.Quota::source, "quota",
                applied);
        changes(before.schedules(), after.schedules(), dev.pilotlight.common.cost.Schedule::id, dev.pilotlight.common.cost.Schedule::source,
                "schedule", applied);
        return new Report(after.version(), applied, redeploy);
    }

    /** Quotas and schedules apply at once, like threshold rules (docs/cost.md). */
    private static <T> void changes(List<T> before, List<T> after, Function<T, String> id, Function<T, String> source, String kind,
                                    List<String> applied) {
        Map<String, String> old = before.stream().collect(Collectors.toMap(id, x -> x.toString().replace(source.apply(x), "")));
        Map<String, String> now = after.stream().collect(Collectors.toMap(id, x -> x.toString().replace(source.apply(x), "")));
        Set<String> ids = new TreeSet<>(old.keySet());
        ids.addAll(now.keySet());
        for (String i : ids) {
            String change = !old.containsKey(i) ? "added" : !now.containsKey(i) ? "removed" : old.get(i).equals(now.get(i)) ? null : "changed";
            if (change != null) {
                applied.add(kind + " " + i + " " + change);
            }
        }
    }

    /** Equal apart from where the rule was read from. */
    private static boolean same(Rule a, Rule b) {
        return a.toString().replace(a.source(), "").equals(b.toString().replace(b.source(), ""));
    }

}
