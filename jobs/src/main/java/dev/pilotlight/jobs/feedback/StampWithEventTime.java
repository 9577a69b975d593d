package dev.pilotlight.jobs.feedback;

import dev.pilotlight.jobs.ingest.Envelope;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Gives each record its own event time as its timestamp and passes watermarks through unchanged:
 * a retraction from {@link KeepLastRating} must fall into the windows of the rating it takes back,
 * not of the one that replaced it (a process function stamps its output with its input's time).
 */
public final class StampWithEventTime extends AbstractStreamOperator<Envelope> implements OneInputStreamOperator<Envelope, Envelope> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(StreamRecord<Envelope> record) {
        output.collect(record.replace(record.getValue(), record.getValue().eventTime()));
    }
}
