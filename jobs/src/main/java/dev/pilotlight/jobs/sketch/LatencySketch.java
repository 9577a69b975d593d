package dev.pilotlight.jobs.sketch;

import java.nio.ByteBuffer;
import org.HdrHistogram.Histogram;

/**
 * Latency quantiles from HdrHistogram (1 ms to 1 h, 1 significant digit: values within about 6 %,
 * finer than Prometheus' default latency buckets), kept in Flink state as its compact byte encoding.
 * Encoding and decoding scan the whole counts array, so the precision is chosen for a short one
 * (304 counts; 2 digits would be 2,048 and cost 7x the CPU per update). HdrHistogram is chosen over t-digest because windows slide by
 * subtracting the bucket that leaves, and HdrHistogram can subtract; t-digest cannot.
 */
public final class LatencySketch {
    private static final long HIGHEST_MS = 3_600_000L;

    private LatencySketch() {}

    public static Histogram empty() {
        return new Histogram(1, HIGHEST_MS, 1);
    }

    public static Histogram decode(byte[] bytes) {
        if (bytes == null) {
            return empty();
        }
        try {
            return Histogram.decodeFromByteBuffer(ByteBuffer.wrap(bytes), 1);
        } catch (RuntimeException e) {
            throw new IllegalStateException("corrupt latency sketch in state", e);
        }
    }

    public static byte[] encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoByteBuffer(buf); // zig-zag varints with zero runs: compact, and no Deflater per update
        byte[] out = new byte[n];
        buf.flip();
        buf.get(out);
        return out;
    }

    /** Records one latency, clamped into the sketch's range. */
    public static void record(Histogram h, double latencyMs) {
        h.recordValue(Math.max(1, Math.min(HIGHEST_MS, Math.round(latencyMs))));
    }

    /** The value at quantile q (0..1), or NaN when empty. */
    public static double quantile(Histogram h, double q) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(q * 100);
    }
}
