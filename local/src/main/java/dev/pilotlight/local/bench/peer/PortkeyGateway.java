package dev.pilotlight.local.bench.peer;

import dev.pilotlight.common.Deadline;
import dev.pilotlight.testkit.LoopbackPorts;
import dev.pilotlight.testkit.http.HttpProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Portkey's open-source AI gateway (npm {@code @portkey-ai/gateway}), the peer the gateway
 * benchmark runs beside Pilotlight: installed once with npm into the user's cache, started with
 * node in headless mode, and pointed at the simulated upstream as an OpenAI provider with a custom
 * host. It proxies only: no guards, no events.
 */
public final class PortkeyGateway implements AutoCloseable {
    public static final String VERSION = "1.15.2";

    private final Process process;
    private final int port;

    private PortkeyGateway(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Installs (when missing) and starts it; waits until it answers. */
    public static PortkeyGateway start(Path work) throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("user.home"), ".cache", "pilotlight", "portkey-" + VERSION);
        Path server = dir.resolve("node_modules/@portkey-ai/gateway/build/start-server.js");
        if (!Files.exists(server)) {
            Files.createDirectories(dir);
            Process npm = new ProcessBuilder("npm", "install", "--prefix", dir.toString(), "--no-audit", "--no-fund",
                    "@portkey-ai/gateway@" + VERSION).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("portkey-install.log").toFile())).start();
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.exists(server)) {
                throw new IOException("npm could not install @portkey-ai/gateway@" + VERSION + " (see " + work.resolve("portkey-install.log") + ")");
            }
        }
        int port = LoopbackPorts.free();
        ProcessBuilder pb = new ProcessBuilder("node", server.toString(), "--port=" + port, "--headless");
        pb.environment().put("NODE_ENV", "production");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("portkey.log").toFile()));
        PortkeyGateway g = new PortkeyGateway(pb.start(), port);
        Deadline.require("Portkey gateway answering", Duration.ofSeconds(60), () -> HttpProbe.ok("http://127.0.0.1:" + port + "/"));
        return g;
    }

    public String chatUrl() {
        return "http://127.0.0.1:" + port + "/v1/chat/completions";
    }

    /** The headers that make it an OpenAI proxy to {@code upstreamBaseUrl} (ends in /v1). */
    public static Map<String, String> headers(String upstreamBaseUrl) {
        return Map.of("x-portkey-provider", "openai", "x-portkey-custom-host", upstreamBaseUrl, "Authorization", "Bearer sim-key");
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        for (ProcessHandle child : List.copyOf(process.descendants().toList())) {
            child.destroyForcibly();
        }
    }
}
