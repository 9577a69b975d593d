package dev.pilotlight.common.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fixed bins of a numeric drift feature: lower edges, the last bin open-ended. Fixed (not learned
 * from a reference) so that histograms of any window, release or replica add up and compare bin for
 * bin. Each bin has a representative value (for the Wasserstein distance and the reference's spread).
 */
public final class Bins implements java.io.Serializable {
    /** Token and character counts: half-octave bins (×√2) from 1 to 2^20, plus 0. */
    public static final Bins LENGTHS = halfOctaves(20);
    /** Small counts (citations): 0, 1, 2, 3, 4, 5–8, 9–16, 17+. */
    public static final Bins COUNTS = new Bins(new double[] {0, 1, 2, 3, 4, 5, 9, 17});
    /** Shares (edit ratio): tenths of 0..1. */
    public static final Bins SHARES = new Bins(new double[] {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9});

    private final double[] lower;
    private final List<String> labels;

    public Bins(double[] lower) {
        this.lower = lower.clone();
        List<String> l = new ArrayList<>();
        for (int i = 0; i < lower.length; i++) {
            l.add(i + 1 < lower.length ? "[" + trim(lower[i]) + "," + trim(lower[i + 1]) + ")" : "[" + trim(lower[i]) + ",+)");
        }
        this.labels = List.copyOf(l);
    }

    private static Bins halfOctaves(int octaves) {
        double[] edges = new double[2 * octaves + 2];
        edges[0] = 0;
        for (int i = 0; i <= 2 * octaves; i++) {
            edges[i + 1] = Math.floor(Math.pow(2, i / 2.0));
        }
        return new Bins(Arrays.stream(edges).distinct().toArray());
    }

    /** The labels in order, lowest bin first. */
    public List<String> labels() {
        return labels;
    }

    public String labelOf(double v) {
        return labels.get(indexOf(v));
    }

    public int indexOf(double v) {
        int i = Arrays.binarySearch(lower, v);
        if (i >= 0) {
            return i;
        }
        return Math.max(0, -i - 2);
    }

    /** Midpoint of a closed bin; the lower edge × 1.25 for the open last one. */
    public double representative(int i) {
        return i + 1 < lower.length ? (lower[i] + lower[i + 1]) / 2 : lower[i] * 1.25;
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
