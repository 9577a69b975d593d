package dev.pilotlight.jobs.metrics;

import dev.pilotlight.jobs.sketch.DistinctSketch;
import dev.pilotlight.jobs.sketch.LatencySketch;
import org.HdrHistogram.Histogram;

/** Sums and sketches (encoded) of one series in one window: the window's state. A Flink POJO. */
public class SeriesAccumulator {
    public long calls;
    public long errors;
    public long inputTokens;
    public long outputTokens;
    public double spendUsd;
    public long cacheHits;
    public long fallbacks;
    public long injectionAttempts;
    public byte[] latency;
    public byte[] users;
    public long feedback;
    public long thumbsUp;
    public long thumbsDown;
    public long acceptanceStated;
    public long accepted;

    public SeriesAccumulator() {}

    void merge(SeriesAccumulator o) {
        calls += o.calls;
        errors += o.errors;
        inputTokens += o.inputTokens;
        outputTokens += o.outputTokens;
        spendUsd += o.spendUsd;
        cacheHits += o.cacheHits;
        fallbacks += o.fallbacks;
        injectionAttempts += o.injectionAttempts;
        if (latency == null) {
            latency = o.latency;
        } else if (o.latency != null) {
            Histogram h = LatencySketch.decode(latency);
            h.add(LatencySketch.decode(o.latency));
            latency = LatencySketch.encode(h);
        }
        users = DistinctSketch.merge(users, o.users);
        feedback += o.feedback;
        thumbsUp += o.thumbsUp;
        thumbsDown += o.thumbsDown;
        acceptanceStated += o.acceptanceStated;
        accepted += o.accepted;
    }
}
