package dev.pilotlight.jobs.release;

/**
 * Calls and errors per one-second bucket in a ring that spans the longest window: one state value
 * per key, read and written once per event (cheaper in RocksDB than a map of buckets). A Flink POJO.
 */
public class SlidingCounts {
    public static final long BUCKET_MS = 1000;

    public long[] starts;
    public long[] calls;
    public long[] errors;

    public SlidingCounts() {}

    public SlidingCounts(long windowMs) {
        int n = (int) Math.max(1, (windowMs + BUCKET_MS - 1) / BUCKET_MS) + 1;
        starts = new long[n];
        java.util.Arrays.fill(starts, Long.MIN_VALUE);
        calls = new long[n];
        errors = new long[n];
    }

    /** @return false when the event is older than every bucket the ring still holds (too late to count) */
    public boolean add(long ts, boolean error) {
        long start = Math.floorDiv(ts, BUCKET_MS) * BUCKET_MS;
        int slot = (int) Math.floorMod(Math.floorDiv(ts, BUCKET_MS), (long) starts.length);
        if (starts[slot] > start) {
            return false;
        }
        if (starts[slot] != start) {
            starts[slot] = start;
            calls[slot] = 0;
            errors[slot] = 0;
        }
        calls[slot]++;
        if (error) {
            errors[slot]++;
        }
        return true;
    }

    /** Calls and errors in buckets that start within (end - window, end]. */
    public long[] sum(long end, long windowMs) {
        long from = end - windowMs;
        long c = 0;
        long e = 0;
        for (int i = 0; i < starts.length; i++) {
            if (starts[i] > from && starts[i] <= end) {
                c += calls[i];
                e += errors[i];
            }
        }
        return new long[] {c, e};
    }

    /** Whether no bucket is newer than {@code t}: the key has gone quiet and its state can go. */
    public boolean quietSince(long t) {
        for (long s : starts) {
            if (s > t) {
                return false;
            }
        }
        return true;
    }
}
