package dev.pilotlight.jobs.influx;

import com.influxdb.client.InfluxDBClient;
import com.influxdb.client.InfluxDBClientFactory;
import com.influxdb.client.InfluxDBClientOptions;
import com.influxdb.client.WriteApiBlocking;
import com.influxdb.client.domain.WritePrecision;
import com.influxdb.exceptions.InfluxException;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers at most one batch of points (bounded memory) and writes it when full, every flush
 * interval, and before each checkpoint. While InfluxDB is unreachable it retries the same batch
 * with exponential backoff; the sink then back-pressures its own job only, Kafka keeps the rest,
 * and detection (a separate job) never waits for dashboards.
 */
final class InfluxLineWriter implements SinkWriter<String> {
    private static final Logger LOG = LoggerFactory.getLogger(InfluxLineWriter.class);
    /** Answers that retrying the same batch cannot fix (bad points, too large); InfluxDB has written what it could. */
    private static final Set<Integer> REJECTED = Set.of(400, 413, 422);

    private final InfluxDBClient client;
    private final WriteApiBlocking api;
    private final InfluxTarget target;
    private final int batchSize;
    private final long flushIntervalMs;
    private final ProcessingTimeService timers;
    private final IntervalFunction backoff;
    private final List<String> buffer;
    private final Counter written;
    private final Counter failedWrites;
    private final Counter rejected;

    InfluxLineWriter(InfluxTarget target, int batchSize, Duration flushInterval, Duration maxBackoff,
                     ProcessingTimeService timers, SinkWriterMetricGroup metrics) {
        this.target = target;
        this.batchSize = batchSize;
        this.flushIntervalMs = flushInterval.toMillis();
        this.timers = timers;
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(200), 2.0, 0.5, maxBackoff);
        this.buffer = new ArrayList<>(batchSize);
        this.client = InfluxDBClientFactory.create(InfluxDBClientOptions.builder()
                .url(target.url())
                .authenticateToken(target.token().toCharArray())
                .org(target.org())
                .bucket(target.bucket())
                .okHttpClient(new OkHttpClient.Builder()
                        .connectTimeout(5, TimeUnit.SECONDS)
                        .readTimeout(30, TimeUnit.SECONDS)
                        .writeTimeout(30, TimeUnit.SECONDS))
                .build());
        this.api = client.getWriteApiBlocking();
        this.written = metrics.getNumRecordsSendCounter();
        this.failedWrites = metrics.counter("influxFailedWrites");
        this.rejected = metrics.counter("influxRejectedPoints");
        metrics.gauge("influxBufferedPoints", buffer::size);
        if (flushIntervalMs > 0) {
            schedule();
        }
    }

    @Override
    public void write(String line, Context context) throws InterruptedException {
        buffer.add(line);
        if (buffer.size() >= batchSize) {
            writeBuffer();
        }
    }

    @Override
    public void flush(boolean endOfInput) throws InterruptedException {
        writeBuffer();
    }

    private void schedule() {
        timers.registerTimer(timers.getCurrentProcessingTime() + flushIntervalMs, time -> {
            writeBuffer();
            schedule();
        });
    }

    private void writeBuffer() throws InterruptedException {
        if (buffer.isEmpty()) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                api.writeRecords(target.bucket(), target.org(), WritePrecision.MS, buffer);
                written.inc(buffer.size());
                buffer.clear();
                return;
            } catch (InfluxException e) {
                if (REJECTED.contains(e.status())) {
                    // not retried: the same batch would be refused forever and stall the dashboards
                    LOG.error("InfluxDB refused {} points ({} {}); first point: {}", buffer.size(), e.status(),
                            e.getMessage(), buffer.get(0));
                    rejected.inc(buffer.size());
                    buffer.clear();
                    return;
                }
                retryLater(attempt, e.status() + " " + e.getMessage());
            } catch (RuntimeException e) { // I/O trouble the client did not wrap
                retryLater(attempt, e.toString());
            }
        }
    }

    private void retryLater(int attempt, String reason) throws InterruptedException {
        failedWrites.inc();
        long wait = backoff.apply(attempt);
        LOG.warn("InfluxDB write of {} points to {} failed (attempt {}: {}); retrying in {} ms",
                buffer.size(), target.url(), attempt, reason, wait);
        Thread.sleep(wait);
    }

    @Override
    public void close() {
        client.close();
    }
}
