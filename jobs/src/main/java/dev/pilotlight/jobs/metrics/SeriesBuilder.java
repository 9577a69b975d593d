package dev.pilotlight.jobs.metrics;

import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.jobs.sketch.DistinctSketch;
import dev.pilotlight.jobs.sketch.LatencySketch;
import org.HdrHistogram.Histogram;
import org.apache.datasketches.hll.HllSketch;

/** Sums and sketches of one series and window on the heap, while a mini-batch is open. */
final class SeriesBuilder {
    final String seriesKey;
    private final SeriesAccumulator sums = new SeriesAccumulator();
    private Histogram latency;
    private HllSketch users;

    SeriesBuilder(String seriesKey) {
        this.seriesKey = seriesKey;
    }

    void add(SeriesEvent e) {
        if (e.invocation() != null) {
            add(e.invocation());
        } else if (e.feedback() != null) {
            add(e.feedback());
        }
    }

    private void add(InvocationEvent i) {
        sums.calls++;
        if (i.status().isFailure()) {
            sums.errors++;
        }
        sums.inputTokens += i.inputTokens();
        sums.outputTokens += i.outputTokens();
        sums.spendUsd += i.costUsd();
        sums.cacheHits += i.cacheHit() ? 1 : 0;
        sums.fallbacks += i.fallbackUsed() ? 1 : 0;
        sums.injectionAttempts += i.outputFlags() != null && i.outputFlags().contains("injection") ? 1 : 0;
        if (latency == null) {
            latency = LatencySketch.empty();
        }
        LatencySketch.record(latency, i.latencyMs());
        if (i.userId() != null) {
            if (users == null) {
                users = DistinctSketch.empty();
            }
            users.update(i.userId());
        }
    }

    /** A rating counts +1; the retraction of one a user replaced counts -1 (the last rating counts). */
    private void add(FeedbackEvent f) {
        int sign = f.sign();
        sums.feedback += sign;
        if (f.rating() == FeedbackEvent.Rating.UP) {
            sums.thumbsUp += sign;
        } else if (f.rating() == FeedbackEvent.Rating.DOWN) {
            sums.thumbsDown += sign;
        }
        if (f.acceptance() != null) {
            sums.acceptanceStated += sign;
            if (f.acceptance() == FeedbackEvent.Acceptance.ACCEPTED || f.acceptance() == FeedbackEvent.Acceptance.MINOR_EDITS) {
                sums.accepted += sign;
            }
        }
    }

    SeriesAccumulator build() {
        sums.latency = latency == null ? null : LatencySketch.encode(latency);
        sums.users = users == null ? null : DistinctSketch.encode(users);
        return sums;
    }
}
