package dev.pilotlight.jobs.influx;

import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes line-protocol points to InfluxDB's v2 write API in batches. At least once: every buffered
 * point is written before a checkpoint completes, so after a failure Kafka replays exactly what
 * may be missing, and a replayed point overwrites itself (same series and time).
 */
public final class InfluxLineSink implements Sink<String> {
    private static final long serialVersionUID = 1L;

    private final InfluxTarget target;
    private final int batchSize;
    private final Duration flushInterval;
    private final Duration maxBackoff;

    public InfluxLineSink(InfluxTarget target, int batchSize, Duration flushInterval, Duration maxBackoff) {
        this.target = target;
        this.batchSize = batchSize;
        this.flushInterval = flushInterval;
        this.maxBackoff = maxBackoff;
    }

    @Override
    public SinkWriter<String> createWriter(WriterInitContext context) {
        return new InfluxLineWriter(target, batchSize, flushInterval, maxBackoff, context.getProcessingTimeService(),
                context.metricGroup());
    }
}
