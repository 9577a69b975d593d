package dev.pilotlight.testkit.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.common.codec.JsonCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The gateway's HTTP API as a scenario or a test uses it: over real sockets, with API keys. */
public final class GatewayClient {
    /** @param raw the body as text (for server-sent events, which are not one JSON document) */
    public record Response(int status, JsonNode body, String raw, java.net.http.HttpHeaders headers) {
        public String text(String field) {
            return body == null ? null : body.path(field).asText(null);
        }

        /** The event id inside the "id" the gateway returned ("chatcmpl-" + event id + "." + tags). */
        public String eventId() {
            String id = text("id");
            if (id == null) {
                return null;
            }
            id = id.startsWith("chatcmpl-") ? id.substring("chatcmpl-".length()) : id;
            int dot = id.indexOf('.');
            return dot < 0 ? id : id.substring(0, dot);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    private final String baseUrl;

    public GatewayClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public CompletableFuture<Response> invokeAsync(String route, String apiKey, String input) {
        return http.sendAsync(post("/v1/routes/" + route + "/invoke", apiKey, Map.of("input", input)), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(GatewayClient::parse);
    }

    public Response invoke(String route, String apiKey, String input) {
        return send(post("/v1/routes/" + route + "/invoke", apiKey, Map.of("input", input)));
    }

    public Response release(String route, String adminKey, Map<String, Object> body) {
        return send(post("/admin/releases/" + route, adminKey, body));
    }

    public Response get(String path, String apiKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30)).GET();
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return send(b.build());
    }

    public Response post(String path, String apiKey, String rawBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(rawBody));
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return send(b.build());
    }

    private HttpRequest post(String path, String apiKey, Object body) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JsonCodec.encode(body)))
                .build();
    }

    private Response send(HttpRequest r) {
        try {
            return parse(http.send(r, HttpResponse.BodyHandlers.ofByteArray()));
        } catch (IOException e) {
            throw new IllegalStateException("gateway call " + r.method() + " " + r.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Response parse(HttpResponse<byte[]> r) {
        JsonNode body = null;
        try {
            body = r.body().length == 0 ? null : JsonCodec.mapper().readTree(r.body());
        } catch (IOException e) {
            // not JSON: leave the body empty; the status still tells
        }
        return new Response(r.statusCode(), body, new String(r.body(), java.nio.charset.StandardCharsets.UTF_8), r.headers());
    }
}
