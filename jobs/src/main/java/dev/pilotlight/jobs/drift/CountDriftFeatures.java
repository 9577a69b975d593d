package dev.pilotlight.jobs.drift;

import dev.pilotlight.jobs.ingest.Envelope;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Adds up a release window's partial counts (each from {@link DriftBatcher}) into its feature histograms. */
public final class CountDriftFeatures implements AggregateFunction<DriftPartial, DriftHistograms, DriftHistograms> {
    private final int maxCategories;

    public CountDriftFeatures(int maxCategories) {
        this.maxCategories = maxCategories;
    }

    /** route|promptVersion of an invocation or of feedback that names both; null for what drift cannot attribute. */
    public static String keyOf(Envelope e) {
        if (e.invocation() != null && !e.invocation().chatOperation()) {
            return null; // embeddings have no answer to drift
        }
        if (e.invocation() != null) {
            return e.invocation().route() + "|" + e.invocation().promptVersion();
        }
        if (e.feedback() != null && e.feedback().route() != null && e.feedback().promptVersion() != null) {
            return e.feedback().route() + "|" + e.feedback().promptVersion();
        }
        return null;
    }

    @Override
    public DriftHistograms createAccumulator() {
        return new DriftHistograms();
    }

    @Override
    public DriftHistograms add(DriftPartial p, DriftHistograms acc) {
        return acc.merge(p.counts(), maxCategories);
    }

    @Override
    public DriftHistograms getResult(DriftHistograms acc) {
        return acc;
    }

    @Override
    public DriftHistograms merge(DriftHistograms a, DriftHistograms b) {
        return a.merge(b, maxCategories);
    }
}
