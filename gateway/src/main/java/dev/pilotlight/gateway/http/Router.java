package dev.pilotlight.gateway.http;

import dev.pilotlight.gateway.auth.ApiKeyAuthenticator;
import dev.pilotlight.gateway.auth.Principal;
import dev.pilotlight.gateway.limits.RateLimits;
import dev.pilotlight.gateway.metrics.GatewayMetrics;
import dev.pilotlight.gateway.provider.ClientCancelled;
import dev.pilotlight.gateway.provider.ModelChain;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches a request to its {@link Endpoint}: the per-address limit, then the API key, then the
 * one role the endpoint allows, then path parameters decoded exactly once. Every failure is an
 * OpenAI-style JSON error; unknown paths get 404 only after authentication, so they reveal nothing.
 */
public final class Router {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    private static final int MAX_PATH_PARAM_CHARS = 128;

    @FunctionalInterface
    public interface Handler {
        void handle(Request request) throws IOException;
    }

    /**
     * An endpoint that answers later (a model call) and does only CPU work until then: it runs on the
     * event loop that read the request, unless the body is large (then on a worker thread).
     */
    @FunctionalInterface
    public interface AsyncHandler {
        CompletionStage<?> handle(Request request) throws IOException;
    }

    /** A handler and whether it may block (then it always runs on a worker thread). */
    private record Bound(AsyncHandler handler, boolean blocks) {}

    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private final Map<Endpoint, Bound> handlers = new EnumMap<>(Endpoint.class);
    private final ApiKeyAuthenticator auth;
    private final RateLimits rateLimits;
    private final long ipPerMinute;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Duration requestTimeout;
    private final GatewayMetrics metrics;
    private final int inlineBodyBytes;

    /**
     * @param ipPerMinute requests per minute per client address, checked before authentication
     * @param requestTimeout the longest a request may stay unanswered (streams included): past it the caller gets a
     *                       504, whatever the endpoint is still waiting for, and the request is no longer in flight
     * @param inlineBodyBytes the largest body an {@link AsyncHandler} is run for on the event loop (larger: a worker)
     */
    public Router(ApiKeyAuthenticator auth, RateLimits rateLimits, long ipPerMinute, GatewayMetrics metrics, Duration requestTimeout,
                  int inlineBodyBytes) {
        this.inlineBodyBytes = inlineBodyBytes;
        this.requestTimeout = requestTimeout;
        this.metrics = metrics;
        this.auth = auth;
        this.rateLimits = rateLimits;
        this.ipPerMinute = ipPerMinute;
    }

    public Router bind(Endpoint endpoint, Handler handler) {
        handlers.put(endpoint, new Bound(req -> {
            handler.handle(req);
            return DONE;
        }, true));
        return this;
    }

    public Router bindAsync(Endpoint endpoint, AsyncHandler handler) {
        handlers.put(endpoint, new Bound(handler, false));
        return this;
    }

    /** Every endpoint of the matrix must have a handler: an unbound one is a wiring mistake, found at start. */
    public Router requireAllBound() {
        for (Endpoint e : Endpoint.values()) {
            if (!handlers.containsKey(e)) {
                throw new IllegalStateException("no handler for " + e.label());
            }
        }
        return this;
    }

    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Starts one request on the calling event loop: who may call what is decided here; the endpoint runs
     * here too when it does not block and the body is small (docs/architecture.md, "Gateway threads"),
     * else on one of {@code workers}. It always ends with a response, now or when the endpoint's answer is
     * ready (on whichever thread completes it).
     */
    public void handle(Request req, Executor workers) {
        inFlight.incrementAndGet();
        long start = System.nanoTime();
        Endpoint endpoint;
        try {
            endpoint = dispatch(req);
        } catch (RuntimeException | Error e) {
            finish(req, "unmatched", start, CompletableFuture.failedFuture(e));
            return;
        }
        Bound bound = handlers.get(endpoint);
        if (!bound.blocks() && req.bodyBytes() <= inlineBodyBytes) {
            finish(req, endpoint.label(), start, run(bound, req));
            return;
        }
        try {
            workers.execute(() -> finish(req, endpoint.label(), start, run(bound, req)));
        } catch (RejectedExecutionException e) {
            finish(req, endpoint.label(), start, CompletableFuture.failedFuture(
                    new ApiError(503, "server_error", "shutting_down", null, "the gateway is shutting down")));
        }
    }

    private static CompletionStage<?> run(Bound bound, Request req) {
        try {
            return bound.handler().handle(req);
        } catch (IOException | RuntimeException | Error e) { // an Error too: the request is still answered (a 500), not left open
            return CompletableFuture.failedFuture(e);
        }
    }

    private void finish(Request req, String endpointLabel, long start, CompletionStage<?> done) {
        // a last resort: every wait inside an endpoint has its own timeout, but a request that is never answered
        // holds its caller, its memory and an in-flight slot for good, so none may outlive this
        CompletableFuture<?> f = done.toCompletableFuture();
        ScheduledFuture<?> lastResort = timeOut(req, f);
        f.whenComplete((ignored, e) -> {
            if (lastResort != null) {
                lastResort.cancel(false);
            }
            if (e != null) {
                fail(req, ModelChain.unwrap(e));
            }
            req.complete();
            inFlight.decrementAndGet();
            metrics.request(endpointLabel, req.status(), (System.nanoTime() - start) / 1e9);
        });
    }

    /**
     * Times the request out on its own connection's event loop (where it mostly ends, so the timer is set and cancelled
     * there without a lock shared by every loop or a timer thread to wake); on a closing loop, on the JDK's timer.
     */
    private ScheduledFuture<?> timeOut(Request req, CompletableFuture<?> f) {
        try {
            return req.channel().eventLoop().schedule(() -> f.completeExceptionally(new TimeoutException()),
                    requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            f.orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        }
    }

    private void fail(Request req, Throwable e) {
        if (e instanceof TimeoutException) {
            LOG.error("{} {} was not answered within {}: answered 504 (a wait without its own timeout)", req.method(),
                    Echo.of(req.rawPath()), requestTimeout);
            req.fail(new ApiError(504, "server_error", "gateway_timeout", null, "no answer within " + requestTimeout.toSeconds() + " s"));
        } else if (e instanceof ApiError api) {
            req.fail(api);
        } else if (e instanceof ClientCancelled) {
            LOG.debug("client went away: {}", e.getMessage());
        } else {
            LOG.error("unhandled error on {} {}", req.method(), Echo.of(req.rawPath()), e);
            req.fail(new ApiError(500, "server_error", "internal_error", null, "internal error"));
        }
    }

    /** Finds the endpoint and checks who may call it; the handler runs only if this returns. */
    private Endpoint dispatch(Request req) {
        Endpoint match = null;
        List<String> rawParams = null;
        boolean pathKnown = false;
        for (Endpoint e : Endpoint.values()) {
            List<String> values = e.match(req.rawPath());
            if (values != null) {
                pathKnown = true;
                if (e.method().equals(req.method())) {
                    match = e;
                    rawParams = values;
                    break;
                }
            }
        }
        if (match != null && match.isPublic()) {
            return match;
        }
        Optional<Duration> wait = rateLimits.tryAcquire("ip:" + req.clientIp(), ipPerMinute);
        if (wait.isPresent()) {
            throw new ApiError(429, "rate_limit_error", "rate_limit_exceeded", null,
                    "too many requests from this address (" + ipPerMinute + " per minute)").retryAfter(wait.get());
        }
        Optional<Principal> who = auth.authenticate(req.header("Authorization"));
        if (who.isEmpty()) {
            throw new ApiError(401, "invalid_request_error", "invalid_api_key", null,
                    "missing or invalid API key; send 'Authorization: Bearer <key>'");
        }
        if (match == null) {
            throw pathKnown
                    ? new ApiError(405, "invalid_request_error", "method_not_allowed", null,
                            Echo.of(req.method()) + " is not allowed on " + Echo.of(req.rawPath()))
                    : ApiError.notFound("unknown_url", "unknown path " + Echo.of(req.rawPath()));
        }
        if (!who.get().has(match.role())) {
            throw new ApiError(403, "permission_error", "insufficient_role", null,
                    "this endpoint needs the " + match.role().name().toLowerCase(Locale.ROOT) + " role");
        }
        req.authorize(who.get(), decode(match, rawParams));
        return match;
    }

    /** Path parameters, percent-decoded once; a malformed escape or invalid UTF-8 is the client's error. */
    private static Map<String, String> decode(Endpoint e, List<String> raw) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            String name = e.parameterNames().get(i);
            String value;
            try {
                value = QueryStringDecoder.decodeComponent(raw.get(i), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException bad) {
                throw new ApiError(400, "invalid_request_error", "invalid_path", name,
                        "path parameter '" + name + "' has a malformed percent-escape: " + Echo.of(raw.get(i)));
            }
            if (value.indexOf('\uFFFD') >= 0 || value.length() > MAX_PATH_PARAM_CHARS || value.chars().anyMatch(Character::isISOControl)) {
                throw new ApiError(400, "invalid_request_error", "invalid_path", name,
                        "path parameter '" + name + "' must be at most " + MAX_PATH_PARAM_CHARS
                                + " printable characters of valid UTF-8: " + Echo.of(raw.get(i)));
            }
            out.put(name, value);
        }
        return out;
    }
}
