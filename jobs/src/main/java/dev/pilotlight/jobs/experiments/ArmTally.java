package dev.pilotlight.jobs.experiments;

import dev.pilotlight.jobs.sketch.LatencySketch;
import org.HdrHistogram.Histogram;

/**
 * What one arm has counted since its experiment began (a Flink POJO: public fields, no-arg
 * constructor). Latency is an HdrHistogram in its byte encoding, as in the metrics module.
 */
public class ArmTally {
    /** distinct users of the current split (the ratio check's count) */
    public long users;
    public long calls;
    public long errors;
    public long answered;
    public double costUsd;
    public long samples;
    public long accepted;
    public long raters;
    public long thumbsUp;
    public long thumbsDown;
    public byte[] latency;

    public ArmTally() {}

    /** Counts one observation: a rating, or a call that reached a model (others are not an arm's doing). */
    public void add(ArmObservation o) {
        if (o.rating()) {
            if (o.accepted() != null) {
                samples += o.sign();
                accepted += o.accepted() ? o.sign() : 0;
            }
            thumbsUp += o.thumbs() > 0 ? o.sign() : 0;
            thumbsDown += o.thumbs() < 0 ? o.sign() : 0;
            return;
        }
        if (!o.reachedModel()) {
            return;
        }
        calls++;
        errors += o.failed() ? 1 : 0;
        if (o.status() == dev.pilotlight.common.event.InvocationStatus.OK) {
            answered++;
            costUsd += o.costUsd();
        }
        Histogram h = LatencySketch.decode(latency);
        LatencySketch.record(h, o.latencyMs());
        latency = LatencySketch.encode(h);
    }

    public double errorRate() {
        return calls == 0 ? Double.NaN : errors / (double) calls;
    }

    public double acceptanceRate() {
        return samples == 0 ? Double.NaN : accepted / (double) samples;
    }

    public double costPerCall() {
        return answered == 0 ? Double.NaN : costUsd / answered;
    }

    public double latencyP95() {
        return LatencySketch.quantile(LatencySketch.decode(latency), 0.95);
    }
}
