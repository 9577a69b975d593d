package dev.pilotlight.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.gateway.auth.ApiKeyAuthenticator;
import dev.pilotlight.gateway.auth.Principal;
import dev.pilotlight.gateway.auth.Role;
import dev.pilotlight.gateway.limits.RateLimits;
import dev.pilotlight.gateway.metrics.GatewayMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches by method and path template ({@code /v1/routes/{route}/invoke}), authenticates every
 * endpoint that is not explicitly public, checks the role, and turns every failure into an
 * OpenAI-style JSON error. Unknown paths get 404 only after authentication, so they reveal nothing.
 */
public final class Router implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    @FunctionalInterface
    public interface Endpoint {
        void handle(Request request) throws IOException;
    }

    private record Entry(String method, String template, Pattern pattern, List<String> names, Role role, Endpoint endpoint) {}

    private final List<Entry> entries = new ArrayList<>();
    private final ApiKeyAuthenticator auth;
    private final int maxBodyBytes;
    private final RateLimits rateLimits;
    private final long ipPerMinute;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final GatewayMetrics metrics;

    /** @param ipPerMinute requests per minute per client address, checked before authentication */
    public Router(ApiKeyAuthenticator auth, int maxBodyBytes, RateLimits rateLimits, long ipPerMinute, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.auth = auth;
        this.maxBodyBytes = maxBodyBytes;
        this.rateLimits = rateLimits;
        this.ipPerMinute = ipPerMinute;
    }

    /** A public endpoint (health only). */
    public Router open(String method, String template, Endpoint e) {
        return add(method, template, null, e);
    }

    /** An endpoint that needs a key with {@code role} (USER endpoints accept any authenticated key). */
    public Router secured(String method, String template, Role role, Endpoint e) {
        return add(method, template, role, e);
    }

    private Router add(String method, String template, Role role, Endpoint e) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\\{(\\w+)}").matcher(template);
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        entries.add(new Entry(method, template, Pattern.compile(regex.toString()), names, role, e));
        return this;
    }

    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        inFlight.incrementAndGet();
        long start = System.nanoTime();
        String[] endpoint = {"unmatched"};
        // not try-with-resources: the exchange must stay open for the error response in the catch
        try {
            dispatch(ex, endpoint);
        } catch (ApiError e) {
            sendError(ex, e);
        } catch (RuntimeException e) {
            LOG.error("unhandled error on {} {}", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
            sendError(ex, new ApiError(500, "server_error", "internal_error", null, "internal error"));
        } finally {
            ex.close();
            inFlight.decrementAndGet();
            metrics.request(endpoint[0], ex.getResponseCode(), (System.nanoTime() - start) / 1e9);
        }
    }

    private void dispatch(HttpExchange ex, String[] endpoint) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        Entry match = null;
        Map<String, String> params = new HashMap<>();
        boolean pathKnown = false;
        for (Entry e : entries) {
            Matcher m = e.pattern().matcher(path);
            if (m.matches()) {
                pathKnown = true;
                if (e.method().equals(method)) {
                    match = e;
                    endpoint[0] = e.method() + " " + e.template();
                    for (int i = 0; i < e.names().size(); i++) {
                        params.put(e.names().get(i), java.net.URLDecoder.decode(m.group(i + 1), java.nio.charset.StandardCharsets.UTF_8));
                    }
                    break;
                }
            }
        }
        if (match != null && match.role() == null) {
            match.endpoint().handle(new Request(ex, params, null, maxBodyBytes));
            return;
        }
        String ip = ex.getRemoteAddress().getAddress().getHostAddress();
        Optional<java.time.Duration> wait = rateLimits.tryAcquire("ip:" + ip, ipPerMinute);
        if (wait.isPresent()) {
            throw new ApiError(429, "rate_limit_error", "rate_limit_exceeded", null,
                    "too many requests from this address (" + ipPerMinute + " per minute)").retryAfter(wait.get());
        }
        Optional<Principal> who = auth.authenticate(ex.getRequestHeaders().getFirst("Authorization"));
        if (who.isEmpty()) {
            throw new ApiError(401, "invalid_request_error", "invalid_api_key", null,
                    "missing or invalid API key; send 'Authorization: Bearer <key>'");
        }
        if (match == null) {
            throw pathKnown
                    ? new ApiError(405, "invalid_request_error", "method_not_allowed", null, method + " is not allowed on " + path)
                    : ApiError.notFound("unknown_url", "unknown path " + path);
        }
        if (match.role() != Role.USER && !who.get().has(match.role()) && !who.get().has(Role.ADMIN)) {
            throw new ApiError(403, "permission_error", "insufficient_role", null,
                    "this endpoint needs the " + match.role().name().toLowerCase(java.util.Locale.ROOT) + " role");
        }
        match.endpoint().handle(new Request(ex, params, who.get(), maxBodyBytes));
    }

    static void sendError(HttpExchange ex, ApiError e) {
        try {
            ObjectNode body = JsonCodec.mapper().createObjectNode();
            ObjectNode err = body.putObject("error");
            err.put("message", e.getMessage());
            err.put("type", e.type());
            if (e.param() == null) {
                err.putNull("param");
            } else {
                err.put("param", e.param());
            }
            err.put("code", e.code());
            byte[] bytes = JsonCodec.mapper().writeValueAsBytes(body);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            if (e.retryAfter() != null) {
                long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
                ex.getResponseHeaders().set("Retry-After", String.valueOf(seconds));
            }
            ex.sendResponseHeaders(e.status(), bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException io) {
            LOG.debug("client went away before the error could be sent: {}", io.toString());
        }
    }
}
