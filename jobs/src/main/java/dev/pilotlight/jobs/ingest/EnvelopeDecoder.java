package dev.pilotlight.jobs.ingest;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.DecodeException;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.DriftBaseline;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.Heartbeat;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.rules.RuleSetUpdate;
import dev.pilotlight.common.rules.RuleValidationException;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.Counter;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes each record of the shared source by its topic. Malformed records become dead letters
 * with the decoder's reason (which names the missing or bad field) instead of failing the job.
 * Release states and rule sets change what the guard decides, so they must carry the control key's
 * signature; an unsigned or tampered one is a dead letter too (docs/security.md).
 */
public final class EnvelopeDecoder implements KafkaRecordDeserializationSchema<Envelope> {
    private static final long serialVersionUID = 1L;

    private final CommandSigner signer;
    private final TimeBounds bounds;
    private transient Counter outOfRange;

    public EnvelopeDecoder(CommandSigner signer, TimeBounds bounds) {
        this.signer = signer;
        this.bounds = bounds;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        outOfRange = context.getMetricGroup().counter("outOfRangeTimestamps");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<Envelope> out) {
        Envelope e = decode(r.topic(), r.partition(), r.offset(), r.key(), r.value(), r.timestamp());
        if (e != null) {
            out.collect(e);
        }
    }

    /**
     * Null for compaction tombstones of the control topics, which carry nothing to decide on, and for
     * dead letters other than rejected commands (a bad one is already where it belongs).
     */
    public Envelope decode(String topic, int partition, long offset, byte[] key, byte[] value, long timestamp) {
        if (value == null && Topics.GUARD_CONTROL_INPUTS.contains(topic)) { // a compaction tombstone
            return null;
        }
        if (Topics.DLQ.equals(topic)) {
            return rejectedCommand(value, timestamp);
        }
        try {
            return inBounds(switch (topic) {
                case Topics.INVOCATIONS -> Envelope.of(JsonCodec.decode(value, InvocationEvent.class), timestamp);
                case Topics.FEEDBACK -> Envelope.of(believable(JsonCodec.decode(value, FeedbackEvent.class)), timestamp);
                case Topics.HEARTBEATS -> Envelope.of(JsonCodec.decode(value, Heartbeat.class), timestamp);
                case Topics.RELEASES -> Envelope.of(signer.verify(value, ReleaseState.class, "release state"), timestamp);
                case Topics.RULES -> Envelope.of(validRules(signer.verify(value, RuleSetUpdate.class, "rule set")), timestamp);
                case Topics.DRIFT_BASELINES -> Envelope.of(signer.verify(value, DriftBaseline.class, "drift baseline"), timestamp);
                default -> throw new DecodeException("no decoder for topic " + topic);
            }, timestamp);
        } catch (DecodeException | RuleValidationException | CommandSigner.SignatureException e) {
            return Envelope.of(DeadLetter.of(topic, partition, offset,
                    key == null ? null : new String(key, StandardCharsets.UTF_8), e.getMessage(),
                    value == null ? null : new String(value, StandardCharsets.UTF_8), System.currentTimeMillis()), timestamp);
        }
    }

    /** A rating no gateway would have sent is refused here, before it could replace the user's real rating of the answer. */
    private static FeedbackEvent believable(FeedbackEvent f) {
        String problem = f.problem();
        if (problem != null) {
            throw new DecodeException("feedback: " + problem);
        }
        return f;
    }

    /** The envelope, if its event time is within the bounds of the broker's append time (else a dead letter). */
    private Envelope inBounds(Envelope e, long appendedAt) {
        if (e.rules() != null || e.baseline() != null) {
            return e; // a rule set or a baseline has no event time of its own
        }
        String problem = outOfBounds(e.eventTime(), appendedAt);
        if (problem == null) {
            return e;
        }
        throw new DecodeException(problem);
    }

    /** Why {@code eventTime} is out of the bounds of the broker's append time, counted; null when it is within. */
    private String outOfBounds(long eventTime, long appendedAt) {
        String problem = bounds.problem(eventTime, appendedAt);
        if (problem != null && outOfRange != null) {
            outOfRange.inc();
        }
        return problem;
    }

    /** A published rule set is checked here, once: an invalid one goes to guard.dlq with every problem. */
    private static RuleSetUpdate validRules(RuleSetUpdate u) {
        u.parse();
        return u;
    }

    private Envelope rejectedCommand(byte[] value, long timestamp) {
        try {
            DeadLetter d = JsonCodec.decode(value, DeadLetter.class);
            if (!Topics.CONTROL.equals(d.sourceTopic())) {
                return null;
            }
            if (outOfBounds(d.failedAt(), timestamp) != null) {
                return null; // counted, not written to guard.dlq again: that would loop
            }
            return Envelope.rejectedCommand(d, timestamp);
        } catch (DecodeException e) {
            return null; // writing it to guard.dlq again would loop
        }
    }

    @Override
    public TypeInformation<Envelope> getProducedType() {
        return TypeInformation.of(Envelope.class);
    }
}
