package dev.pilotlight.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.gateway.auth.Principal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/** One HTTP call as the endpoints see it: path parameters, the caller, a size-limited JSON body. */
public final class Request {
    private final HttpExchange exchange;
    private final Map<String, String> pathParams;
    private final Principal principal;
    private final int maxBodyBytes;

    Request(HttpExchange exchange, Map<String, String> pathParams, Principal principal, int maxBodyBytes) {
        this.exchange = exchange;
        this.pathParams = pathParams;
        this.principal = principal;
        this.maxBodyBytes = maxBodyBytes;
    }

    public String path(String name) {
        return pathParams.get(name);
    }

    public Principal principal() {
        return principal;
    }

    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** The body as a JSON object; 413 when larger than allowed, 400 when not JSON. */
    public JsonNode jsonBody() {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(maxBodyBytes + 1);
        } catch (IOException e) {
            throw ApiError.badRequest(null, "could not read request body");
        }
        if (body.length > maxBodyBytes) {
            throw new ApiError(413, "invalid_request_error", "request_too_large", null,
                    "request body is larger than " + maxBodyBytes + " bytes");
        }
        try {
            JsonNode n = JsonCodec.mapper().readTree(body);
            if (n == null || !n.isObject()) {
                throw ApiError.badRequest(null, "request body must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw ApiError.badRequest(null, "request body is not valid JSON");
        }
    }

    /** The caller's address as the socket sees it (a proxy in front must be trusted explicitly; none is). */
    public String clientIp() {
        return exchange.getRemoteAddress().getAddress().getHostAddress();
    }

    SseStream sse() {
        return new SseStream(exchange);
    }

    public void header(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }

    public void respondRaw(int status, String contentType, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    public void respond(int status, Object body) throws IOException {
        byte[] bytes = body instanceof byte[] b ? b : JsonCodec.mapper().writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
