package dev.pilotlight.gateway.metrics;

import dev.pilotlight.common.event.InvocationEvent;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The gateway's Prometheus metrics (served at /metrics). Labels are bounded by configuration
 * (endpoint templates, routes, model aliases, statuses): never a user, key or raw path. No exemplars:
 * the gateway has no tracing to link them to, and sampling one is work on every request.
 */
public final class GatewayMetrics {
    private static final double[] LATENCY_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("pilotlight_gateway_http_requests_total")
            .help("HTTP requests by endpoint template and status code").labelNames("endpoint", "code").withoutExemplars().register(registry);
    private final Histogram requestSeconds = Histogram.builder().name("pilotlight_gateway_http_request_duration_seconds")
            .help("HTTP request duration").labelNames("endpoint").classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars().register(registry);
    private final Counter invocations = Counter.builder().name("pilotlight_gateway_invocations_total")
            .help("Model invocations by route, model and outcome").labelNames("route", "model", "status").withoutExemplars().register(registry);
    private final Histogram invocationSeconds = Histogram.builder().name("pilotlight_gateway_invocation_duration_seconds")
            .help("End-to-end invocation latency").labelNames("route").classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars().register(registry);
    private final Counter tokens = Counter.builder().name("pilotlight_gateway_tokens_total")
            .help("Tokens by route, model and direction").labelNames("route", "model", "direction").withoutExemplars().register(registry);
    private final Counter cost = Counter.builder().name("pilotlight_gateway_cost_usd_total")
            .help("Spend in USD by route and model").labelNames("route", "model").withoutExemplars().register(registry);
    private final Counter guards = Counter.builder().name("pilotlight_gateway_guard_decisions_total")
            .help("Guard decisions: pii_redacted, injection, output flags, blocks and limits").labelNames("guard").withoutExemplars().register(registry);

    private final Counter edge = Counter.builder().name("pilotlight_gateway_http_edge_total")
            .help("Connections refused on accept (connection_limit_address, connection_limit_total) and deadlines missed "
                    + "(header_timeout, body_timeout)").labelNames("event").withoutExemplars().register(registry);

    private final Counter overruns = Counter.builder().name("pilotlight_gateway_provider_overruns_total")
            .help("Answers longer than the max_tokens asked for (the provider ignored it), by provider").labelNames("provider")
            .withoutExemplars().register(registry);

    /** What the gateway itself adds to a call: microseconds to tens of milliseconds. */
    private static final double[] OVERHEAD_BUCKETS = {0.00005, 0.0001, 0.0002, 0.0003, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003,
            0.005, 0.0075, 0.01, 0.02, 0.05, 0.1, 0.25, 1};
    private final Histogram overhead = Histogram.builder().name("pilotlight_gateway_overhead_seconds")
            .help("The gateway's own time in an answered call, by its clock: from the request received to the response handed to the"
                    + " socket, less the time waiting for the model (plain calls)")
            .classicOnly().classicUpperBounds(OVERHEAD_BUCKETS).withoutExemplars().register(registry);

    public GatewayMetrics() {
        // the JVM's and the process's own figures beside the gateway's: heap, collections, threads, JIT, classes, buffers,
        // CPU seconds and resident memory. All are read when scraped; the library's per-pool allocation metric is left
        // out because it listens to every collection, work on a third thread beside the event loops after each pause
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported()
                && t.isThreadAllocatedMemoryEnabled()) {
            counter("pilotlight_gateway_heap_allocated_bytes", "Bytes allocated on the heap by every thread since start"
                    + " (allocation per request: its rate over the requests' rate)", t::getTotalThreadAllocatedBytes);
        }
    }

    public void overhead(double seconds) {
        overhead.observe(Math.max(0, seconds));
    }

    public void providerOverrun(String provider) {
        overruns.labelValues(provider).inc();
    }

    public void edge(String event) {
        edge.labelValues(event).inc();
    }

    public void request(String endpoint, int code, double seconds) {
        requests.labelValues(endpoint, String.valueOf(code)).inc();
        requestSeconds.labelValues(endpoint).observe(seconds);
    }

    /** Counts one emitted invocation event: outcome, tokens, cost and what the guards did. */
    public void invocation(InvocationEvent e) {
        String model = e.model() == null ? "none" : e.model();
        invocations.labelValues(e.route(), model, e.status().name()).inc();
        invocationSeconds.labelValues(e.route()).observe(e.latencyMs() / 1000.0);
        if (e.inputTokens() > 0) {
            tokens.labelValues(e.route(), model, "input").inc(e.inputTokens());
        }
        if (e.outputTokens() > 0) {
            tokens.labelValues(e.route(), model, "output").inc(e.outputTokens());
        }
        if (e.costUsd() > 0) {
            cost.labelValues(e.route(), model).inc(e.costUsd());
        }
        if (e.piiRedactions() > 0) {
            guards.labelValues("pii_redacted").inc(e.piiRedactions());
        }
        if (e.outputFlags() != null) {
            e.outputFlags().forEach(f -> guards.labelValues(f).inc());
        }
        if (e.errorType() != null && e.status() != dev.pilotlight.common.event.InvocationStatus.ERROR
                && e.status() != dev.pilotlight.common.event.InvocationStatus.TIMEOUT) {
            guards.labelValues(e.errorType()).inc(); // rate_limit_exceeded, insufficient_quota, output_blocked ...
        }
    }

    /** A value read at scrape time (queue and spool depth, in-flight requests ...). */
    public void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    /** A monotonic total read at scrape time (Prometheus adds {@code _total} to the name). */
    public void counter(String name, String help, DoubleSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    /** Values by one label read at scrape time (command outcomes, breaker states ...). */
    public void gauges(String name, String help, String label, Supplier<Map<String, Double>> values) {
        GaugeWithCallback.builder().name(name).help(help).labelNames(label)
                .callback(cb -> values.get().forEach((k, v) -> cb.call(v, k))).register(registry);
    }

    public String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
