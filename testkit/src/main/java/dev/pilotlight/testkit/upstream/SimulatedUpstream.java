package dev.pilotlight.testkit.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.net.InetSocketAddress;
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

    public static final String PROMPT_VERSION_HEADER = dev.pilotlight.common.ProviderHeaders.PROMPT_VERSION;

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // The JDK's HttpServer closes every idle keep-alive connection beyond 200 as soon as it answers on it; a
        // provider keeps them. Without this a gateway with a few hundred calls in flight sees its pooled connections
        // closed under it (read once, at the first server of the JVM; a value given on the command line wins).
        System.getProperties().putIfAbsent("sun.net.httpserver.maxIdleConnections", "100000");
    }

    private final HttpServer server;
    /** The handlers by path, for both sides (HTTP/1.1 and h2c). */
    private final Map<String, HttpHandler> contexts = new java.util.LinkedHashMap<>();
    /** The HTTP/2 side, started when first asked for. */
    private H2Front h2c;
    private H2Front h2Tls;
    private final ExecutorService pool;
    private final java.util.concurrent.ScheduledExecutorService thinkTime = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sim-upstream-think");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, FaultProfile> byModel = new ConcurrentHashMap<>();
    private final Map<String, FaultProfile> byVersion = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> callsByModel = new ConcurrentHashMap<>();
    private final java.util.Deque<String> received = new java.util.ArrayDeque<>();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong thinking = new AtomicLong();
    private final Random random;
    private volatile FaultProfile defaultProfile = FaultProfile.HEALTHY;

    private SimulatedUpstream(java.net.InetAddress bind, int port, long seed, int threads) throws IOException {
        random = new Random(seed);
        server = HttpServer.create(new InetSocketAddress(bind, port), 4096); // a deep accept queue: the calls-in-flight bench connects thousands at once
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sim-upstream");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        contexts.put("/v1/chat/completions", ex -> chat(ex, Wire.OPENAI));
        contexts.put("/v1/messages", ex -> chat(ex, Wire.ANTHROPIC));
        contexts.put("/v1/models", this::models);
        contexts.put("/v1/embeddings", this::embeddings);
        contexts.put("/_sim/profile", this::setProfileOverHttp);
        contexts.forEach(server::createContext);
        server.start();
    }

    /** Starts on a free loopback port; the seed makes a run's error sequence repeatable. */
    public static SimulatedUpstream start(long seed) {
        return start(0, seed, 64);
    }

    public static SimulatedUpstream start(int port, long seed, int threads) {
        return start(java.net.InetAddress.getLoopbackAddress(), port, seed, threads);
    }

    /** On another address than loopback: in a container, where the gateway calls it over the network. */
    public static SimulatedUpstream start(java.net.InetAddress bind, int port, long seed, int threads) {
        try {
            return new SimulatedUpstream(bind, port, seed, threads);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start simulated upstream on port " + port, e);
        }
    }

    /** Where its own endpoints live ({@code /_sim/profile}). */
    public String rootUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Base URL as an OpenAI client expects it (ends in /v1). */
    public String baseUrl() {
        return rootUrl() + "/v1";
    }

    /**
     * The same base URL over HTTP/2 without TLS (h2c, prior knowledge): a provider whose catalog entry says
     * {@code http: 2}. Started on first call, on its own port; it answers exactly as {@link #baseUrl()}.
     */
    public synchronized String h2cBaseUrl() {
        if (h2c == null) {
            h2c = new H2Front(server.getAddress().getAddress(), contexts, pool, null);
        }
        return "http://127.0.0.1:" + h2c.port() + "/v1";
    }

    /**
     * Starts an HTTP/2 side over TLS (h2 by ALPN, as real providers are reached) with the given server context, which
     * must offer h2; returns its base URL for host {@code localhost} (its connections: {@link #h2TlsConnections()}).
     */
    public synchronized String startH2Tls(io.netty.handler.ssl.SslContext serverTls) {
        if (h2Tls != null) {
            throw new IllegalStateException("the TLS HTTP/2 side is already started");
        }
        h2Tls = new H2Front(server.getAddress().getAddress(), contexts, pool, serverTls);
        return "https://localhost:" + h2Tls.port() + "/v1";
    }

    /** Connections the TLS HTTP/2 side has accepted (0 before it started). */
    public synchronized long h2TlsConnections() {
        return h2Tls == null ? 0 : h2Tls.connectionsAccepted();
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

    /** The last request bodies received (at most 1000), so a test can check what a provider was shown. */
    public java.util.List<String> received() {
        synchronized (received) {
            return java.util.List.copyOf(received);
        }
    }

    private void remember(String body) {
        synchronized (received) {
            received.addLast(body);
            while (received.size() > 1000) {
                received.removeFirst();
            }
        }
    }

    public long callsForModel(String model) {
        AtomicLong c = callsByModel.get(model);
        return c == null ? 0 : c.get();
    }

    /** Values for the placeholders of config/catalog.local.yaml that point at this server. */
    public Map<String, String> catalogVariables() {
        return Map.of("SIM_OPENAI_URL", baseUrl(), "SIM_ANTHROPIC_URL", anthropicBaseUrl());
    }

    /** As {@link #catalogVariables()}, with the OpenAI-format provider reached over HTTP/2 ({@link #h2cBaseUrl()}). */
    public Map<String, String> catalogVariablesHttp2() {
        return Map.of("SIM_OPENAI_URL", h2cBaseUrl(), "SIM_OPENAI_HTTP", "2", "SIM_ANTHROPIC_URL", anthropicBaseUrl());
    }

    /** The h2c side says GOAWAY on every connection it has (a provider restarting): open streams are still answered. */
    public synchronized void h2cGoAway() {
        if (h2c != null) {
            h2c.goAway();
        }
    }

    /** Calls the simulated model is thinking about now (read, not yet answered). */
    public long thinking() {
        return thinking.get();
    }

    /** Connections the HTTP/2 side has accepted since it started (0 before): how well calls were multiplexed. */
    public synchronized long h2cConnections() {
        return h2c == null ? 0 : h2c.connectionsAccepted();
    }

    /** Base URL for Anthropic's wire format (langchain4j appends "messages"). */
    public String anthropicBaseUrl() {
        return baseUrl() + "/";
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

    /** The two wire formats a provider can speak here. */
    enum Wire { OPENAI, ANTHROPIC }

    /**
     * Reads the request at once; the answer is written after the profile's think time by a timer, so
     * thousands of calls can wait on the simulated model without a thread each (the gateway's
     * calls-in-flight benchmark needs that of its upstream too).
     */
    private void chat(HttpExchange ex, Wire wire) throws IOException {
        if (!"POST".equals(ex.getRequestMethod())) {
            try (ex) {
                error(ex, wire, 405, "use POST");
            }
            return;
        }
        JsonNode req;
        try (InputStream in = ex.getRequestBody()) {
            req = JSON.readTree(in);
        } catch (IOException e) {
            try (ex) {
                error(ex, wire, 400, "body is not JSON");
            }
            return;
        }
        String version = ex.getRequestHeaders().getFirst(PROMPT_VERSION_HEADER);
        FaultProfile p = profileFor(req.path("model").asText(null), version);
        double roll;
        double gauss;
        synchronized (random) {
            roll = random.nextDouble();
            gauss = random.nextGaussian();
        }
        long latency = Math.round(p.latencyMedianMs() * Math.exp(p.latencySigma() * gauss));
        if (latency <= 0) {
            answer(ex, wire, req, version, p, roll);
            return;
        }
        // the simulated provider's think time, not synchronisation
        thinking.incrementAndGet();
        thinkTime.schedule(() -> pool.execute(() -> {
            thinking.decrementAndGet();
            try {
                answer(ex, wire, req, version, p, roll);
            } catch (IOException e) {
                ex.close(); // the caller gave up waiting (a timeout): nothing to answer
            }
        }), latency, TimeUnit.MILLISECONDS);
    }

    private void answer(HttpExchange ex, Wire wire, JsonNode req, String version, FaultProfile p, double roll) throws IOException {
        try (ex) {
            remember(req.toString());
            String model = req.path("model").asText(null);
            calls.incrementAndGet();
            if (model != null) {
                callsByModel.computeIfAbsent(model, v -> new AtomicLong()).incrementAndGet();
            }
            if (roll < p.errorRate()) {
                failures.incrementAndGet();
                error(ex, wire, p.errorStatus(), "simulated upstream failure");
                return;
            }
            int promptTokens = 0;
            StringBuilder echo = new StringBuilder();
            if (req.hasNonNull("system")) {
                promptTokens += Math.max(1, req.get("system").asText("").length() / 4);
            }
            for (JsonNode m : req.path("messages")) {
                String text = text(m.path("content"));
                promptTokens += Math.max(1, text.length() / 4);
                if ("user".equals(m.path("role").asText())) {
                    echo.setLength(0);
                    echo.append(text);
                }
            }
            String content = p.answer() != null ? p.answer() : "Simulated answer" + (version == null ? "" : " from prompt " + version)
                    + (model == null ? "" : " by " + model) + ". You wrote: " + echo;
            boolean stream = req.path("stream").asBoolean(false);
            if (wire == Wire.OPENAI) {
                SimulatedAnswer answer = SimulatedAnswer.of(req, content, echo.toString());
                if (stream) {
                    streamOpenAi(ex, model, answer, promptTokens, p.outputTokens(), p.chunkDelayMs());
                } else {
                    send(ex, 200, JSON.writeValueAsBytes(openAiBody(model, answer, promptTokens, p.outputTokens())));
                }
            } else if (stream) {
                streamAnthropic(ex, model, SimulatedAnswer.ofAnthropic(req, content, echo.toString()), promptTokens, p.outputTokens());
            } else {
                send(ex, 200, JSON.writeValueAsBytes(anthropicBody(model, SimulatedAnswer.ofAnthropic(req, content, echo.toString()),
                        promptTokens, p.outputTokens())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** OpenAI's content is a string or an array of parts; Anthropic's likewise. */
    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        content.forEach(part -> sb.append(part.path("text").asText("")));
        return sb.toString();
    }

    private static ObjectNode openAiBody(String model, SimulatedAnswer answer, int promptTokens, int outputTokens) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "chatcmpl-" + UUID.randomUUID());
        body.put("object", "chat.completion");
        body.put("created", System.currentTimeMillis() / 1000);
        body.put("model", model == null ? "sim" : model);
        body.put("system_fingerprint", "fp_sim");
        body.put("service_tier", "default"); // a field the gateway does not know: it must reach the caller
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        answer.message(choice.putObject("message"));
        if (answer.logprobs()) {
            choice.putObject("logprobs").putArray("content").addObject().put("token", "Simulated").put("logprob", -0.01)
                    .putArray("top_logprobs");
        }
        choice.put("finish_reason", answer.finishReason());
        ObjectNode usage = body.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", outputTokens);
        usage.put("total_tokens", promptTokens + outputTokens);
        return body;
    }

    private static ObjectNode anthropicBody(String model, SimulatedAnswer answer, int promptTokens, int outputTokens) throws IOException {
        ObjectNode body = anthropicBody(model, answer.content() == null ? "" : answer.content(), promptTokens, outputTokens);
        if (answer.toolName() != null) {
            ArrayNode content = body.putArray("content");
            content.addObject().put("type", "tool_use").put("id", SimulatedAnswer.callId("toolu_"))
                    .put("name", answer.toolName()).set("input", JSON.readTree(answer.toolArguments()));
            body.put("stop_reason", "tool_use");
        }
        return body;
    }

    private static ObjectNode anthropicBody(String model, String content, int promptTokens, int outputTokens) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "msg_" + UUID.randomUUID().toString().replace("-", ""));
        body.put("type", "message");
        body.put("role", "assistant");
        body.put("model", model == null ? "sim" : model);
        body.putArray("content").addObject().put("type", "text").put("text", content);
        body.put("stop_reason", "end_turn");
        body.putNull("stop_sequence");
        body.putObject("usage").put("input_tokens", promptTokens).put("output_tokens", outputTokens);
        return body;
    }

    /** The answer in pieces of a few words, as providers stream it. */
    private static java.util.List<String> pieces(String content) {
        java.util.List<String> out = new java.util.ArrayList<>();
        String[] words = content.split("(?<= )");
        for (int i = 0; i < words.length; i += 3) {
            out.add(String.join("", java.util.Arrays.copyOfRange(words, i, Math.min(words.length, i + 3))));
        }
        return out;
    }

    private static void streamOpenAi(HttpExchange ex, String model, SimulatedAnswer answer, int promptTokens, int outputTokens,
                                     long chunkDelayMs) throws IOException, InterruptedException {
        startStream(ex);
        String id = "chatcmpl-" + UUID.randomUUID();
        try (OutputStream out = ex.getResponseBody()) {
            boolean first = true;
            for (ObjectNode callDelta : answer.toolCallDeltas()) {
                ObjectNode chunk = openAiChunk(id, model);
                ObjectNode delta = ((ObjectNode) chunk.get("choices").get(0)).putObject("delta");
                if (first) {
                    delta.put("role", "assistant");
                    delta.putNull("content");
                    first = false;
                }
                delta.putArray("tool_calls").add(callDelta);
                event(out, null, chunk);
            }
            for (String piece : answer.content() == null ? java.util.List.<String>of() : pieces(answer.content())) {
                ObjectNode chunk = openAiChunk(id, model);
                ObjectNode delta = ((ObjectNode) chunk.get("choices").get(0)).putObject("delta");
                if (first) {
                    delta.put("role", "assistant");
                    first = false;
                }
                delta.put("content", piece);
                event(out, null, chunk);
                if (chunkDelayMs > 0) {
                    Thread.sleep(chunkDelayMs); // a slow provider's pace, not synchronisation
                }
            }
            ObjectNode last = openAiChunk(id, model);
            ((ObjectNode) last.get("choices").get(0)).putObject("delta");
            ((ObjectNode) last.get("choices").get(0)).put("finish_reason", answer.finishReason());
            event(out, null, last);
            ObjectNode usage = openAiChunk(id, model);
            usage.putArray("choices");
            usage.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", outputTokens)
                    .put("total_tokens", promptTokens + outputTokens);
            event(out, null, usage);
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static ObjectNode openAiChunk(String id, String model) {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", id);
        c.put("object", "chat.completion.chunk");
        c.put("created", System.currentTimeMillis() / 1000);
        c.put("model", model == null ? "sim" : model);
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putNull("finish_reason");
        return c;
    }

    private static void streamAnthropic(HttpExchange ex, String model, SimulatedAnswer answer, int promptTokens, int outputTokens)
            throws IOException {
        String content = answer.content() == null ? "" : answer.content();
        startStream(ex);
        try (OutputStream out = ex.getResponseBody()) {
            ObjectNode start = JSON.createObjectNode().put("type", "message_start");
            ObjectNode msg = anthropicBody(model, "", promptTokens, 0);
            msg.putArray("content");
            msg.putNull("stop_reason");
            start.set("message", msg);
            event(out, "message_start", start);
            ObjectNode blockStart = JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
            if (answer.toolName() == null) {
                blockStart.putObject("content_block").put("type", "text").put("text", "");
                event(out, "content_block_start", blockStart);
                for (String piece : pieces(content)) {
                    ObjectNode d = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
                    d.putObject("delta").put("type", "text_delta").put("text", piece);
                    event(out, "content_block_delta", d);
                }
            } else { // a tool call: its head, then its input as pieces of JSON
                blockStart.putObject("content_block").put("type", "tool_use").put("id", SimulatedAnswer.callId("toolu_"))
                        .put("name", answer.toolName()).putObject("input");
                event(out, "content_block_start", blockStart);
                String args = answer.toolArguments();
                for (int i = 0; i < args.length(); i += 8) {
                    ObjectNode d = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
                    d.putObject("delta").put("type", "input_json_delta").put("partial_json", args.substring(i, Math.min(args.length(), i + 8)));
                    event(out, "content_block_delta", d);
                }
            }
            event(out, "content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", 0));
            ObjectNode md = JSON.createObjectNode().put("type", "message_delta");
            md.putObject("delta").put("stop_reason", answer.toolName() == null ? "end_turn" : "tool_use").putNull("stop_sequence");
            md.putObject("usage").put("output_tokens", outputTokens);
            event(out, "message_delta", md);
            event(out, "message_stop", JSON.createObjectNode().put("type", "message_stop"));
        }
    }

    private static void startStream(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
    }

    private static void event(OutputStream out, String name, ObjectNode data) throws IOException {
        String s = (name == null ? "" : "event: " + name + "\n") + "data: " + JSON.writeValueAsString(data) + "\n\n";
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** OpenAI's embeddings: a deterministic vector per input (floats, or base64 as the official SDKs ask by default). */
    private void embeddings(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode req;
            try (InputStream in = ex.getRequestBody()) {
                req = JSON.readTree(in);
            } catch (IOException e) {
                error(ex, Wire.OPENAI, 400, "body is not JSON");
                return;
            }
            remember(req.toString());
            calls.incrementAndGet();
            JsonNode input = req.path("input");
            if (!input.isTextual() && !(input.isArray() && !input.isEmpty())) {
                error(ex, Wire.OPENAI, 400, "'input' must be a string or a non-empty array");
                return;
            }
            send(ex, 200, JSON.writeValueAsBytes(SimulatedEmbeddings.answer(req)));
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
                        req.path("outputTokens").asInt(base.outputTokens()), null, req.path("chunkDelayMs").asLong(0));
            } catch (IllegalArgumentException e) {
                error(ex, Wire.OPENAI, 400, e.getMessage());
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

    private static void error(HttpExchange ex, Wire wire, int status, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        String type = status == 400 ? "invalid_request_error" : status == 429 ? "rate_limit_error" : "server_error";
        if (wire == Wire.ANTHROPIC) {
            body.put("type", "error");
            body.putObject("error").put("type", status == 400 ? "invalid_request_error" : "api_error").put("message", message);
        } else {
            ObjectNode err = body.putObject("error");
            err.put("message", message);
            err.put("type", type);
            err.putNull("code");
        }
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
        synchronized (this) {
            if (h2c != null) {
                h2c.close();
                h2c = null;
            }
            if (h2Tls != null) {
                h2Tls.close();
                h2Tls = null;
            }
        }
        thinkTime.shutdownNow();
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
