package dev.pilotlight.local.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible chat-completions server with fault injection per model or per prompt
 * version (header {@value #PROMPT_VERSION_HEADER}, which the gateway sends). Used by the embedded
 * stack, the tests and the benchmarks; it stands in for a provider, so it answers any bearer key.
 */
public final class SimulatedUpstream implements AutoCloseable {

    public static final String PROMPT_VERSION_HEADER = dev.pilotlight.gateway.provider.OpenAiCompatibleProvider.PROMPT_VERSION_HEADER;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService pool;
    private final Map<String, FaultProfile> byModel = new ConcurrentHashMap<>();
    private final Map<String, FaultProfile> byVersion = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> callsByVersion = new ConcurrentHashMap<>();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Random random;
    private volatile FaultProfile defaultProfile = FaultProfile.HEALTHY;

    private SimulatedUpstream(int port, long seed, int threads) throws IOException {
        random = new Random(seed);
        server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 256);
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sim-upstream");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/v1/chat/completions", this::chat);
        server.createContext("/v1/models", this::models);
        server.createContext("/_sim/profile", this::setProfileOverHttp);
        server.start();
    }

    /** Starts on a free loopback port; the seed makes a run's error sequence repeatable. */
    public static SimulatedUpstream start(long seed) {
        return start(0, seed, 64);
    }

    public static SimulatedUpstream start(int port, long seed, int threads) {
        try {
            return new SimulatedUpstream(port, seed, threads);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start simulated upstream on port " + port, e);
        }
    }

    /** Base URL as an OpenAI client expects it (ends in /v1). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public void setDefault(FaultProfile p) {
        defaultProfile = p;
    }

    public void setModelProfile(String model, FaultProfile p) {
        byModel.put(model, p);
    }

    public void setVersionProfile(String promptVersion, FaultProfile p) {
        byVersion.put(promptVersion, p);
    }

    public long calls() {
        return calls.get();
    }

    public long failures() {
        return failures.get();
    }

    public long callsFor(String promptVersion) {
        AtomicLong c = callsByVersion.get(promptVersion);
        return c == null ? 0 : c.get();
    }

    private FaultProfile profileFor(String model, String version) {
        if (version != null && byVersion.containsKey(version)) {
            return byVersion.get(version);
        }
        if (model != null && byModel.containsKey(model)) {
            return byModel.get(model);
        }
        return defaultProfile;
    }

    private void chat(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"POST".equals(ex.getRequestMethod())) {
                error(ex, 405, "invalid_request_error", "use POST");
                return;
            }
            JsonNode req;
            try (InputStream in = ex.getRequestBody()) {
                req = JSON.readTree(in);
            } catch (IOException e) {
                error(ex, 400, "invalid_request_error", "body is not JSON");
                return;
            }
            String model = req.path("model").asText(null);
            String version = ex.getRequestHeaders().getFirst(PROMPT_VERSION_HEADER);
            calls.incrementAndGet();
            if (version != null) {
                callsByVersion.computeIfAbsent(version, v -> new AtomicLong()).incrementAndGet();
            }
            FaultProfile p = profileFor(model, version);
            double roll;
            double gauss;
            synchronized (random) {
                roll = random.nextDouble();
                gauss = random.nextGaussian();
            }
            long latency = Math.round(p.latencyMedianMs() * Math.exp(p.latencySigma() * gauss));
            if (latency > 0) {
                // the simulated provider's think time, not synchronisation
                Thread.sleep(latency);
            }
            if (roll < p.errorRate()) {
                failures.incrementAndGet();
                error(ex, p.errorStatus(), "server_error", "simulated upstream failure");
                return;
            }
            int promptTokens = 0;
            for (JsonNode m : req.path("messages")) {
                promptTokens += Math.max(1, m.path("content").asText("").length() / 4);
            }
            ObjectNode body = JSON.createObjectNode();
            body.put("id", "chatcmpl-" + UUID.randomUUID());
            body.put("object", "chat.completion");
            body.put("created", System.currentTimeMillis() / 1000);
            body.put("model", model == null ? "sim" : model);
            ArrayNode choices = body.putArray("choices");
            ObjectNode choice = choices.addObject();
            choice.put("index", 0);
            ObjectNode msg = choice.putObject("message");
            msg.put("role", "assistant");
            msg.put("content", "Simulated answer" + (version == null ? "" : " from prompt " + version) + ".");
            choice.put("finish_reason", "stop");
            ObjectNode usage = body.putObject("usage");
            usage.put("prompt_tokens", promptTokens);
            usage.put("completion_tokens", p.outputTokens());
            usage.put("total_tokens", promptTokens + p.outputTokens());
            send(ex, 200, JSON.writeValueAsBytes(body));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void models(HttpExchange ex) throws IOException {
        try (ex) {
            ObjectNode body = JSON.createObjectNode();
            body.put("object", "list");
            body.putArray("data").addObject().put("id", "sim-model").put("object", "model").put("owned_by", "pilotlight");
            send(ex, 200, JSON.writeValueAsBytes(body));
        }
    }

    /** {@code POST /_sim/profile {"version":"1.1.0","errorRate":0.3,...}} or {@code "model": ...}; for manual demos. */
    private void setProfileOverHttp(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode req = JSON.readTree(ex.getRequestBody());
            FaultProfile base = FaultProfile.HEALTHY;
            FaultProfile p;
            try {
                p = new FaultProfile(req.path("errorRate").asDouble(base.errorRate()), req.path("errorStatus").asInt(base.errorStatus()),
                        req.path("latencyMedianMs").asLong(base.latencyMedianMs()), req.path("latencySigma").asDouble(base.latencySigma()),
                        req.path("outputTokens").asInt(base.outputTokens()));
            } catch (IllegalArgumentException e) {
                error(ex, 400, "invalid_request_error", e.getMessage());
                return;
            }
            if (req.hasNonNull("version")) {
                setVersionProfile(req.get("version").asText(), p);
            } else if (req.hasNonNull("model")) {
                setModelProfile(req.get("model").asText(), p);
            } else {
                setDefault(p);
            }
            send(ex, 200, JSON.writeValueAsBytes(JSON.valueToTree(p)));
        }
    }

    private static void error(HttpExchange ex, int status, String type, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode err = body.putObject("error");
        err.put("message", message);
        err.put("type", type);
        err.putNull("code");
        send(ex, status, JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
