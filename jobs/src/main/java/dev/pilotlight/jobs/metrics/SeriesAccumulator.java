package dev.pilotlight.jobs.metrics;

import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.jobs.sketch.DistinctSketch;
import dev.pilotlight.jobs.sketch.LatencySketch;
import org.HdrHistogram.Histogram;

/** Running sums and sketches of one series in one window. A Flink POJO. */
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

    void add(InvocationEvent i) {
        calls++;
        if (i.status().isFailure()) {
            errors++;
        }
        inputTokens += i.inputTokens();
        outputTokens += i.outputTokens();
        spendUsd += i.costUsd();
        cacheHits += i.cacheHit() ? 1 : 0;
        fallbacks += i.fallbackUsed() ? 1 : 0;
        injectionAttempts += i.outputFlags() != null && i.outputFlags().contains("injection") ? 1 : 0;
        Histogram h = LatencySketch.decode(latency);
        LatencySketch.record(h, i.latencyMs());
        latency = LatencySketch.encode(h);
        if (i.userId() != null) {
            users = DistinctSketch.add(users, i.userId());
        }
    }

    void add(FeedbackEvent f) {
        feedback++;
        if (f.rating() == FeedbackEvent.Rating.UP) {
            thumbsUp++;
        } else if (f.rating() == FeedbackEvent.Rating.DOWN) {
            thumbsDown++;
        }
        if (f.acceptance() != null) {
            acceptanceStated++;
            if (f.acceptance() == FeedbackEvent.Acceptance.ACCEPTED || f.acceptance() == FeedbackEvent.Acceptance.MINOR_EDITS) {
                accepted++;
            }
        }
    }

    void merge(SeriesAccumulator o) {
        calls += o.calls;
        errors += o.errors;
        inputTokens += o.inputTokens;
        outputTokens += o.outputTokens;
        spendUsd += o.spendUsd;
        cacheHits += o.cacheHits;
        fallbacks += o.fallbacks;
        injectionAttempts += o.injectionAttempts;
        Histogram h = LatencySketch.decode(latency);
        h.add(LatencySketch.decode(o.latency));
        latency = LatencySketch.encode(h);
        users = o.users == null ? users : users == null ? o.users
                : DistinctSketch.encode(DistinctSketch.union(java.util.List.of(users, o.users)));
        feedback += o.feedback;
        thumbsUp += o.thumbsUp;
        thumbsDown += o.thumbsDown;
        acceptanceStated += o.acceptanceStated;
        accepted += o.accepted;
    }
}
