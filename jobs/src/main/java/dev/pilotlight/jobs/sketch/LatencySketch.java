package dev.pilotlight.jobs.sketch;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Latency quantiles from HdrHistogram (2 significant digits, 1 ms to 1 h), kept in Flink state as
 * its compact byte encoding. HdrHistogram is chosen over t-digest because windows slide by
 * subtracting the bucket that leaves, and HdrHistogram can subtract; t-digest cannot.
 */
public final class LatencySketch {
    private static final long HIGHEST_MS = 3_600_000L;

    private LatencySketch() {}

    public static Histogram empty() {
        return new Histogram(1, HIGHEST_MS, 2);
    }

    public static Histogram decode(byte[] bytes) {
        if (bytes == null) {
            return empty();
        }
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 1);
        } catch (DataFormatException e) {
            throw new IllegalStateException("corrupt latency sketch in state", e);
        }
    }

    public static byte[] encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buf, 1);
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
