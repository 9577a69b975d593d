package dev.pilotlight.jobs.influx;

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
        if (r.value() == null) {
            return; // a compaction tombstone of guard.releases carries nothing to plot
        }
        out.collect(new TopicRecord(r.topic(), r.partition(), r.offset(),
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                new String(r.value(), StandardCharsets.UTF_8)));
    }

    @Override
    public TypeInformation<TopicRecord> getProducedType() {
        return TypeInformation.of(TopicRecord.class);
    }
}
