package dev.pilotlight.local.rules;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.Heartbeat;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.ReleaseState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Events of several scenarios on one event-time line, produced in time order (as gateways would
 * emit them), so one job run can take every rule through firing and resolving.
 */
public final class Timeline {
    record Entry(long ts, String topic, String key, byte[] value) {}

    private final List<Entry> entries = new ArrayList<>();
    private final CommandSigner signer;
    private int seq;

    /** @param signer signs release states as a gateway would (the job refuses unsigned ones) */
    public Timeline(CommandSigner signer) {
        this.signer = signer;
    }

    public void invocation(long ts, String user, String route, String tenant, UnaryOperator<InvocationEvent.Builder> with) {
        InvocationEvent e = with.apply(InvocationEvent.builder().eventId("ev-" + seq++).timestamp(ts).gatewayId("gw-scenario")
                .tenant(tenant).userId(user).route(route).promptId(route).promptVersion("1.0.0").model("sim-model")
                .latencyMs(200).costUsd(0.001)).build();
        entries.add(new Entry(ts, Topics.INVOCATIONS, user, JsonCodec.encode(e)));
    }

    public void feedback(long ts, String user, String route, FeedbackEvent.Rating rating) {
        FeedbackEvent f = new FeedbackEvent(1, "fb-" + seq++, ts, "inv-" + seq, user, rating, null, null, null, null, route, "1.0.0", null, "sim-model");
        entries.add(new Entry(ts, Topics.FEEDBACK, user, JsonCodec.encode(f)));
    }

    public void heartbeat(long ts, String gatewayId) {
        entries.add(new Entry(ts, Topics.HEARTBEATS, gatewayId, JsonCodec.encode(new Heartbeat(1, gatewayId, ts, "test", 0, 0, 0, 0, Map.of()))));
    }

    public void release(long ts, String promptId, String production, String previous, long revision) {
        ReleaseState r = signer.sign(new ReleaseState(1, promptId, promptId, production, previous, null, 0, revision, ts, "test", "scenario"));
        entries.add(new Entry(ts, Topics.RELEASES, promptId, JsonCodec.encode(r)));
    }

    public void rejectedCommand(long ts) {
        DeadLetter d = new DeadLetter(1, Topics.CONTROL, 0, 42, "claims-letter", "bad signature: command rejected", "{}", ts);
        entries.add(new Entry(ts, Topics.DLQ, Topics.CONTROL, JsonCodec.encode(d)));
    }

    public int size() {
        return entries.size();
    }

    public long last() {
        return entries.stream().mapToLong(Entry::ts).max().orElseThrow();
    }

    public void produce(KafkaProducer<String, byte[]> producer) throws Exception {
        entries.sort(Comparator.comparingLong(Entry::ts));
        for (Entry e : entries) {
            producer.send(new ProducerRecord<>(e.topic(), null, e.ts(), e.key(), e.value()));
        }
        producer.flush();
    }
}
