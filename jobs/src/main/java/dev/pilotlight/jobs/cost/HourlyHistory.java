package dev.pilotlight.jobs.cost;

/**
 * One account's past hours for the anomaly detector (a Flink POJO: keyed state, read once an hour): the
 * last {@code weeks} values of each hour of the week (168 slots), each stamped with its week so a slot
 * the account was quiet in reads as 0, not as an old value, and the alert open on the account.
 */
public class HourlyHistory {
    public static final int HOURS_PER_WEEK = 168;

    public float[] spend;
    public float[] calls;
    /** The week (epoch weeks) each value was written for; -1: never written. */
    public int[] weekOf;
    /** The anomaly alert open on this account (resolved by the next normal hour), or null. */
    public String openAlert;
    public long openSince;
    public String openMetric;

    public HourlyHistory() {}

    static HourlyHistory empty(int weeks) {
        HourlyHistory h = new HourlyHistory();
        h.spend = new float[HOURS_PER_WEEK * weeks];
        h.calls = new float[HOURS_PER_WEEK * weeks];
        h.weekOf = new int[HOURS_PER_WEEK * weeks];
        java.util.Arrays.fill(h.weekOf, -1);
        return h;
    }

    int weeks() {
        return weekOf.length / HOURS_PER_WEEK;
    }

    void store(int slot, long week, double spendUsd, long callCount) {
        int i = slot * weeks() + (int) Math.floorMod(week, (long) weeks());
        spend[i] = (float) spendUsd;
        calls[i] = callCount;
        weekOf[i] = (int) week;
    }

    /**
     * The slot's values of the weeks before {@code week} since the account was first seen (0 for a week it had
     * no calls in that hour); fewer than {@code weeks} when the account is younger.
     */
    double[] history(int slot, long week, long firstWeek, boolean ofSpend) {
        int n = (int) Math.max(0, Math.min(weeks(), week - firstWeek));
        double[] out = new double[n];
        for (int j = 1; j <= n; j++) {
            int i = slot * weeks() + (int) Math.floorMod(week - j, (long) weeks());
            out[j - 1] = weekOf[i] == week - j ? (ofSpend ? spend[i] : calls[i]) : 0;
        }
        return out;
    }
}
