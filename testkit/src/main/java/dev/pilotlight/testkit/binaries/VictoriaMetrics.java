package dev.pilotlight.testkit.binaries;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.codec.JsonCodec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real server that speaks InfluxDB's v2 write API: Debian's {@code victoria-metrics} (installed by
 * {@code ./pilotlight test}), started on loopback. It stores field {@code f} of measurement {@code m} as series
 * {@code m_f} with the tags as labels; string fields are stored as 0.
 */
public final class VictoriaMetrics implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final int port;
    private final Process process;

    private VictoriaMetrics(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    public static VictoriaMetrics start(int port, Path dataDir) throws Exception {
        Path binary = ExternalBinary.VICTORIA_METRICS.require();
        Process p = new ProcessBuilder(binary.toString(), "-httpListenAddr=127.0.0.1:" + port, "-storageDataPath=" + dataDir,
                "-search.latencyOffset=0s", "-retentionPeriod=100y")
                .redirectErrorStream(true).redirectOutput(dataDir.resolveSibling("victoria-metrics-" + port + ".log").toFile())
                .start();
        VictoriaMetrics vm = new VictoriaMetrics(port, p);
        boolean healthy = Deadline.in(Duration.ofSeconds(20)).await(() -> !p.isAlive() || vm.isHealthy());
        if (!healthy || !p.isAlive()) {
            p.destroyForcibly();
            throw new IllegalStateException("victoria-metrics did not become healthy on port " + port);
        }
        return vm;
    }

    private boolean isHealthy() {
        try {
            return get("/health").equals("OK");
        } catch (IOException e) {
            return false; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** {@link #export}, or nothing when the server cannot answer yet (for polling). */
    public List<Series> exportOrEmpty(String nameRegex) {
        try {
            return export(nameRegex);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (Exception e) {
            return List.of();
        }
    }

    /** Every series whose name matches the regex, after making recent writes searchable. */
    public List<Series> export(String nameRegex) throws Exception {
        get("/internal/force_flush");
        String match = URLEncoder.encode("{__name__=~\"" + nameRegex + "\"}", StandardCharsets.UTF_8);
        List<Series> out = new ArrayList<>();
        for (String line : get("/api/v1/export?match[]=" + match).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JsonCodec.mapper().readTree(line);
            Map<String, String> labels = new HashMap<>();
            n.get("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            List<Double> values = new ArrayList<>();
            n.get("values").forEach(v -> values.add(v.asDouble()));
            List<Long> times = new ArrayList<>();
            n.get("timestamps").forEach(v -> times.add(v.asLong()));
            out.add(new Series(labels, values, times));
        }
        return out;
    }

    private String get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body().trim();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    public record Series(Map<String, String> labels, List<Double> values, List<Long> timestamps) {
        public String name() {
            return labels.get("__name__");
        }

        public double last() {
            return values.get(values.size() - 1);
        }
    }
}
