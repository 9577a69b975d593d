package dev.pilotlight.local.bench.peer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's own account of its time per call: the cumulative buckets of
 * {@code pilotlight_gateway_overhead_seconds} read from /metrics before and after a phase, and the
 * bucket bound under which a quantile of that phase's calls fell (an upper bound, as fine as the buckets).
 */
public final class OwnClock {
    private static final Pattern BUCKET = Pattern.compile("^pilotlight_gateway_overhead_seconds_bucket\\{le=\"([^\"]+)\"} ([0-9.eE+]+)$",
            Pattern.MULTILINE);
    private static final Pattern IN_FLIGHT = Pattern.compile("^pilotlight_gateway_inflight_requests(?:\\{[^}]*})? ([0-9.eE+]+)$", Pattern.MULTILINE);
    private static final Pattern ALLOCATED = Pattern.compile("^pilotlight_gateway_heap_allocated_bytes_total ([0-9.eE+]+)$", Pattern.MULTILINE);
    private static final Pattern SAMPLER_CPU = Pattern.compile("^pilotlight_gateway_drift_sampler_cpu_seconds_total ([0-9.eE+-]+)$",
            Pattern.MULTILINE);
    private static final Pattern EDGE = Pattern.compile("^pilotlight_gateway_http_edge_total\\{event=\"([^\"]+)\"} ([0-9.eE+]+)$", Pattern.MULTILINE);

    private final String metricsUrl;
    private final String key;

    public OwnClock(String metricsUrl, String key) {
        this.metricsUrl = metricsUrl;
        this.key = key;
    }

    /**
     * One scrape of the gateway's figures for a phase boundary.
     *
     * @param buckets the own-time histogram's cumulative count per upper bound (seconds; +Inf as infinity)
     * @param allocatedBytes bytes its threads have allocated on the heap so far ({@code pilotlight_gateway_heap_allocated_bytes_total},
     *                       to the byte); -1 when the gateway does not report it
     * @param samplerCpuSeconds CPU time of its drift sampler's thread so far ({@code pilotlight_gateway_drift_sampler_cpu_seconds_total});
     *                          -1 when the gateway does not report it
     */
    public record Reading(Map<Double, Long> buckets, long allocatedBytes, double samplerCpuSeconds) {
        /** For a gateway that keeps no account of its own. */
        public static final Reading NONE = new Reading(Map.of(), -1, -1);
    }

    public Reading read() throws IOException, InterruptedException {
        String metrics = scrape();
        Map<Double, Long> buckets = new TreeMap<>();
        Matcher m = BUCKET.matcher(metrics);
        while (m.find()) {
            buckets.put(m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1)), (long) Double.parseDouble(m.group(2)));
        }
        Matcher a = ALLOCATED.matcher(metrics);
        Matcher c = SAMPLER_CPU.matcher(metrics);
        return new Reading(buckets, a.find() ? (long) Double.parseDouble(a.group(1)) : -1, c.find() ? Double.parseDouble(c.group(1)) : -1);
    }

    /** The gateway's connections it closed for a request's headers or body arriving too late (a slow client, or a load generator falling behind). */
    public Map<String, Long> edgeTimeouts() throws IOException, InterruptedException {
        Map<String, Long> out = new TreeMap<>();
        Matcher m = EDGE.matcher(scrape());
        while (m.find()) {
            out.put(m.group(1), (long) Double.parseDouble(m.group(2)));
        }
        return out;
    }

    /** The gateway's requests being served now ({@code pilotlight_gateway_inflight_requests}, this scrape included); -1 when unreadable. */
    public long inFlight() {
        try {
            Matcher m = IN_FLIGHT.matcher(scrape());
            return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private String scrape() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(metricsUrl)).header("Authorization", "Bearer " + key)
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** How many calls were counted between the two readings. */
    private static long counted(Map<Double, Long> before, Map<Double, Long> after) {
        return after.getOrDefault(Double.POSITIVE_INFINITY, 0L) - before.getOrDefault(Double.POSITIVE_INFINITY, 0L);
    }

    /**
     * The share of the calls between the two readings whose own time was at most {@code boundMs} (a bucket bound):
     * a target "p99 ≤ 1 ms" is met when this is at least 0.99 for 1 ms; NaN when none were counted.
     */
    public static double shareWithin(Map<Double, Long> before, Map<Double, Long> after, double boundMs) {
        long total = counted(before, after);
        Long within = after.get(boundMs / 1000);
        if (total <= 0 || within == null) {
            return Double.NaN;
        }
        return (double) (within - before.getOrDefault(boundMs / 1000, 0L)) / total;
    }

    /** The smallest bucket bound (ms) holding at least {@code q} of the calls between the two readings; NaN when none were counted. */
    public static double boundMs(Map<Double, Long> before, Map<Double, Long> after, double q) {
        long total = counted(before, after);
        if (total <= 0) {
            return Double.NaN;
        }
        for (Map.Entry<Double, Long> b : after.entrySet()) {
            long n = b.getValue() - before.getOrDefault(b.getKey(), 0L);
            if (n >= q * total) {
                return b.getKey() * 1000;
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
