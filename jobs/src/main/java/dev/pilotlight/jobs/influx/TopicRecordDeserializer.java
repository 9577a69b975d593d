package dev.pilotlight.jobs.influx;

import dev.pilotlight.common.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Keeps the topic and position with the raw value; decoding happens in {@link WritePoints}. */
final class TopicRecordDeserializer implements KafkaRecordDeserializationSchema<TopicRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<TopicRecord> out) {
        if (r.value() == null && (Topics.RELEASES.equals(r.topic()) || Topics.EXPERIMENTS.equals(r.topic()))) {
            return; // a compaction tombstone of a compacted topic carries nothing to plot
        }
        // a null value elsewhere goes on as empty text, to be dead-lettered with the decoder's reason
        out.collect(new TopicRecord(r.topic(), r.partition(), r.offset(),
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8)));
    }

    @Override
    public TypeInformation<TopicRecord> getProducedType() {
        return TypeInformation.of(TopicRecord.class);
    }
}
