package dev.pilotlight.testkit.binaries;

import dev.pilotlight.common.Deadline;
import dev.pilotlight.testkit.LoopbackPorts;
import dev.pilotlight.testkit.http.HttpProbe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A real Prometheus Alertmanager (Debian's {@code prometheus-alertmanager}) on a loopback port,
 * clustering off, for tests and the demo. {@link #find()} says whether the binary is installed.
 */
public final class AlertmanagerProcess implements AutoCloseable {
    private static final String CONFIG = """
            route:
              receiver: pilotlight-null
              group_by: [alertname]
              group_wait: 0s
            receivers:
              - name: pilotlight-null
            """;

    private final Process process;
    private final URI url;
    private final Path dir;

    private AlertmanagerProcess(Process process, URI url, Path dir) {
        this.process = process;
        this.url = url;
        this.dir = dir;
    }

    public static Optional<Path> find() {
        return ExternalBinary.ALERTMANAGER.find();
    }

    /** Starts Alertmanager and waits until it answers /-/ready. */
    public static AlertmanagerProcess start(Path binary) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("pilotlight-alertmanager-");
        Files.writeString(dir.resolve("alertmanager.yml"), CONFIG);
        int port = LoopbackPorts.free();
        Process p = new ProcessBuilder(binary.toString(),
                "--config.file=" + dir.resolve("alertmanager.yml"),
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=")
                .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
        AlertmanagerProcess am = new AlertmanagerProcess(p, URI.create("http://127.0.0.1:" + port), dir);
        boolean ready = Deadline.in(Duration.ofSeconds(20)).await(() -> !p.isAlive() || HttpProbe.ok(am.url.resolve("/-/ready").toString()));
        if (!ready || !p.isAlive()) {
            am.close();
            throw new IOException("Alertmanager did not start; see " + dir.resolve("alertmanager.log") + ": "
                    + Files.readString(dir.resolve("alertmanager.log")).lines().reduce((a, b) -> b).orElse(""));
        }
        return am;
    }

    public URI url() {
        return url;
    }

    /** GET /api/v2/alerts: the alerts Alertmanager holds as active (resolved ones are gone). */
    public String alerts() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url.resolve("/api/v2/alerts")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
