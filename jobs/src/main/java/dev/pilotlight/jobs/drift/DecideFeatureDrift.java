package dev.pilotlight.jobs.drift;

import dev.pilotlight.common.drift.DriftMeasures;
import dev.pilotlight.common.event.DriftScore;
import dev.pilotlight.common.event.SchemaVersion;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Scores one feature of one window against one reference and decides whether it drifted
 * (docs/drift.md, "Decision"). Input and output features by Evidently's rule: with a small reference a
 * chi-square test (at the family-wise significance split over the features, Bonferroni), with a large
 * one a distance over its threshold (Jensen–Shannon for categories, normalised Wasserstein for
 * numbers), where "small" is the smaller of the two sides. Performance outcomes by a one-sided CUSUM of the two-proportion z-score, which adds up
 * declines over windows and so is not fooled by one unlucky window. PSI is always reported, for the
 * rules' bands.
 */
public final class DecideFeatureDrift implements Serializable {
    private final DriftSettings settings;

    public DecideFeatureDrift(DriftSettings settings) {
        this.settings = settings;
    }

    /** @param cusum the feature's CUSUM against this reference after the previous window (0 at first); performance features only */
    public DriftScore score(DriftFeature f, ReleaseWindow w, DriftReference ref, List<String> changes, double cusum) {
        Map<String, Long> cur = w.histograms().of(f);
        Map<String, Long> past = ref.counts().of(f);
        List<String> labels = labels(f, past, cur);
        long[] c = DriftMeasures.aligned(labels, cur);
        long[] r = DriftMeasures.aligned(labels, past);
        long nCur = DriftMeasures.total(c);
        long nRef = DriftMeasures.total(r);
        int min = f.kind() == DriftFeature.Kind.PERFORMANCE ? settings.performanceMinSamples() : settings.minSamples();
        if (nCur < min || nRef < min) {
            return new DriftScore(SchemaVersion.CURRENT, w.route(), w.promptVersion(), f.yamlName(), f.kind().yamlName(), ref.kind(),
                    ref.label(), w.windowStart(), w.windowEnd(), nCur, nRef, DriftScore.INSUFFICIENT_DATA, null, null, null, null,
                    null, null, null, null, null, changes);
        }
        double psi = DriftMeasures.psi(r, c);
        double js = DriftMeasures.jensenShannon(r, c);
        Double wasserstein = f.numeric() ? DriftMeasures.wassersteinNormed(f.bins(), r, c) : null;
        Double p = null;
        Double change = null;
        String method;
        double score;
        double threshold;
        boolean drifted;
        if (f.badOutcome() != null) {
            int bad = labels.indexOf(f.badOutcome());
            long badCur = bad < 0 ? 0 : c[bad];
            long badRef = bad < 0 ? 0 : r[bad];
            change = (badRef / (double) nRef) - (badCur / (double) nCur); // good share now minus before
            p = DriftMeasures.chiSquarePValue(r, c);
            method = "cusum";
            score = nextCusum(cusum, change, (badCur + badRef) / (double) (nCur + nRef), nCur, nRef);
            threshold = settings.cusumH();
            drifted = score > threshold;
        } else if (Math.min(nRef, nCur) <= settings.largeReference()) {
            // Evidently switches on the reference's size alone, for batches; a stream's window is often the
            // smaller side, and a distance over few rows is mostly noise (0.1 is reached by chance at ~250)
            p = DriftMeasures.chiSquarePValue(r, c);
            method = "chi_square";
            score = p;
            threshold = settings.perFeatureSignificance();
            drifted = p < threshold;
        } else if (f.numeric()) {
            method = "wasserstein";
            score = wasserstein;
            threshold = settings.wassersteinThreshold();
            drifted = score > threshold;
        } else {
            method = "jensen_shannon";
            score = js;
            threshold = settings.jsThreshold();
            drifted = score > threshold;
        }
        return new DriftScore(SchemaVersion.CURRENT, w.route(), w.promptVersion(), f.yamlName(), f.kind().yamlName(), ref.kind(),
                ref.label(), w.windowStart(), w.windowEnd(), nCur, nRef, DriftScore.SCORED, psi, js, wasserstein, p, method, score,
                threshold, drifted, change, changes);
    }

    /**
     * One step of the one-sided CUSUM for a decline: S = max(0, S − z − k), z the pooled two-proportion
     * z-score of the good share's change (negative when it fell).
     */
    double nextCusum(double previous, double change, double pooledBad, long nCur, long nRef) {
        double se = Math.sqrt(pooledBad * (1 - pooledBad) * (1.0 / nCur + 1.0 / nRef));
        double z = se == 0 ? 0 : change / se;
        return Math.max(0, previous - z - settings.cusumK());
    }

    /** A numeric feature's fixed bins in order; a categorical feature's categories seen on either side, sorted. */
    static List<String> labels(DriftFeature f, Map<String, Long> a, Map<String, Long> b) {
        if (f.numeric()) {
            return f.bins().labels();
        }
        TreeSet<String> all = new TreeSet<>(a.keySet());
        all.addAll(b.keySet());
        return new ArrayList<>(all);
    }

}
