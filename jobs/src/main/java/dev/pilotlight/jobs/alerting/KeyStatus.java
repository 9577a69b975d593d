package dev.pilotlight.jobs.alerting;

/**
 * Where one rule stands for one group: which buckets hold data, how far the window has slid, the
 * pending and firing episode, and the past windows a baseline is built from. A Flink POJO.
 */
public class KeyStatus {
    public static final long NONE = Long.MIN_VALUE;

    /** Identity of the rule's measurement (metric, filter, window, baseline); state of another one is reset. */
    public int fingerprint;
    /** Tier and labels (name, value, ...) of the firing alert, to resolve it if its rule is removed. */
    public int tier;
    public String[] firedLabels = new String[0];
    /** The group values of this key, in group_by order. */
    public String[] group = new String[0];
    /** Starts of the buckets in state, ascending. */
    public long[] buckets = new long[0];
    /**
     * The running total over the buckets in the window (rules decided on every input); kept here, not
     * in a state of its own, so an input costs one status read and write instead of two of each.
     */
    public WindowAggregate total;
    /** Buckets starting at or before this are no longer in the running total. */
    public long slidPast = NONE;
    /** Latest time the condition was evaluated at (event time); evaluations never go back. */
    public long evaluatedAt = NONE;
    public long pendingSince = NONE;
    public long clearSince = NONE;
    public String alertId;
    public long startsAt;
    public String commandId;
    /** The episode part of the decision's ids (a release revision, or the window the breach began in). */
    public String episode;
    /** When the effect of the last command issued ends (its until, or its expiry); NONE for lasting ones. */
    public long commandUntil = NONE;
    /** When the last command of the episode was issued (processing time). */
    public long commandIssuedAt = NONE;
    /** How often the episode's command has been renewed. */
    public int renewals;
    /** Ends and values of past windows, oldest first, for baselines. */
    public long[] pastEnds = new long[0];
    public double[] pastValues = new double[0];

    public KeyStatus() {}

    void rememberLabels(java.util.Map<String, String> labels) {
        firedLabels = labels.entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toArray(String[]::new);
    }

    java.util.Map<String, String> labels() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < firedLabels.length; i += 2) {
            m.put(firedLabels[i], firedLabels[i + 1]);
        }
        return m;
    }

    public boolean firing() {
        return alertId != null;
    }

    void addBucket(long start) {
        for (long b : buckets) {
            if (b == start) {
                return;
            }
        }
        long[] out = java.util.Arrays.copyOf(buckets, buckets.length + 1);
        out[buckets.length] = start;
        java.util.Arrays.sort(out);
        buckets = out;
    }

    void removeBucket(long start) {
        buckets = java.util.Arrays.stream(buckets).filter(b -> b != start).toArray();
    }

    /** Keeps the value of the window that ended at {@code end}, at most {@code keep} of them. */
    void rememberWindow(long end, double value, int keep) {
        if (pastEnds.length > 0 && pastEnds[pastEnds.length - 1] >= end) {
            return;
        }
        int from = Math.max(0, pastEnds.length + 1 - keep);
        long[] ends = new long[pastEnds.length + 1 - from];
        double[] values = new double[ends.length];
        System.arraycopy(pastEnds, from, ends, 0, pastEnds.length - from);
        System.arraycopy(pastValues, from, values, 0, pastValues.length - from);
        ends[ends.length - 1] = end;
        values[values.length - 1] = value;
        pastEnds = ends;
        pastValues = values;
    }
}
