package dev.pilotlight.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.gateway.catalog.Catalog;
import dev.pilotlight.gateway.catalog.ModelSpec;
import dev.pilotlight.gateway.catalog.Route;
import dev.pilotlight.gateway.invoke.Call;
import dev.pilotlight.gateway.invoke.Invocation;
import dev.pilotlight.gateway.invoke.InvocationIds;
import dev.pilotlight.gateway.invoke.InvocationService;
import dev.pilotlight.gateway.invoke.Source;
import dev.pilotlight.gateway.invoke.Target;
import dev.pilotlight.gateway.limits.Rejected;
import dev.pilotlight.gateway.openai.ChatBody;
import dev.pilotlight.gateway.provider.ChatTurn;
import dev.pilotlight.gateway.provider.Delta;
import dev.pilotlight.gateway.provider.ProviderFailure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import dev.pilotlight.gateway.provider.ModelChain;
import dev.pilotlight.gateway.metrics.GatewayMetrics;

/**
 * The ways to call a model: the route API and OpenAI's chat completions, streamed or not, where
 * {@code model} names a route (its released prompt applies) or a model alias of the catalog.
 */
public final class InvokeEndpoints {
    /** Longest model or route name accepted (catalog names are far shorter). */
    static final int MAX_MODEL_CHARS = 256;
    private final Catalog catalog;
    private final InvocationService service;
    private final InvocationIds ids;
    private final GatewayMetrics metrics;

    public InvokeEndpoints(Catalog catalog, InvocationService service, InvocationIds ids, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.catalog = catalog;
        this.service = service;
        this.ids = ids;
    }

    /** POST /v1/routes/{route}/invoke {"input": "..."} */
    public CompletionStage<?> invokeRoute(Request req) {
        String name = req.path("route");
        Route route = catalog.route(name).orElseThrow(() -> ApiError.notFound("route_not_found", "no route named '" + Echo.of(name) + "'"));
        JsonNode body = req.jsonBody();
        String input = BodyFields.requiredText(body, "input", Integer.MAX_VALUE, "the text the route's prompt is applied to");
        String eventId = UUID.randomUUID().toString();
        quotaHeader(req, Target.of(route));
        return call(new Call(eventId, req.principal(), Target.of(route), List.of(new ChatTurn(ChatTurn.Role.USER, input)),
                sources(body.get("sources")), true, null, null, null, null)).thenAccept(inv -> {
                    respond(req, routeAnswer(inv, eventId, req));
                    overhead(req, inv);
                });
    }

    private ObjectNode routeAnswer(Invocation inv, String eventId, Request req) {
        ObjectNode out = JsonCodec.mapper().createObjectNode();
        out.put("id", ids.issue(eventId, req.principal()));
        out.put("route", inv.route());
        out.put("promptVersion", inv.promptVersion());
        out.put("variant", inv.variant());
        out.put("model", inv.answer().model().alias());
        out.put("fallbackUsed", inv.answer().fallbackUsed());
        out.put("degraded", inv.answer().degraded());
        out.put("output", inv.answer().result().text());
        ObjectNode usage = out.putObject("usage");
        usage.put("inputTokens", inv.answer().result().inputTokens());
        usage.put("outputTokens", inv.answer().result().outputTokens());
        out.put("costUsd", inv.costUsd());
        out.put("latencyMs", inv.latencyMs());
        return out;
    }

    /** {@code "sources": [{"id": "doc-1", "text": "..."}]}: retrieved context the answer may cite. */
    static List<Source> sources(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > 50) {
            throw ApiError.badRequest("sources", "'sources' must be an array of at most 50 {id, text} objects");
        }
        List<Source> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode s = node.get(i);
            String id = s.path("id").isTextual() ? s.get("id").asText() : "";
            if (!s.isObject() || !id.matches("[A-Za-z0-9_.:-]{1,64}") || !s.path("text").isTextual()) {
                throw ApiError.badRequest("sources[" + i + "]", "sources[" + i + "] needs an id (letters, digits, _.:-) and a text");
            }
            out.add(new Source(id, s.get("text").asText()));
        }
        return out;
    }

    /** GET /v1/models: routes and model aliases, as OpenAI lists models. */
    public void listModels(Request req) throws IOException {
        ObjectNode out = JsonCodec.mapper().createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        catalog.routes().keySet().stream().sorted().forEach(r -> data.addObject().put("id", r).put("object", "model")
                .put("created", 0).put("owned_by", "pilotlight-route"));
        catalog.models().keySet().stream().sorted().forEach(m -> data.addObject().put("id", m).put("object", "model")
                .put("created", 0).put("owned_by", catalog.models().get(m).provider()));
        req.respond(200, out);
    }

    /**
     * POST /v1/chat/completions: the caller's request goes on whole (docs/compatibility.md); an
     * OpenAI-format provider's answer comes back whole, with our id (feedback names it) and the
     * model as the caller named it.
     */
    public CompletionStage<?> chatCompletions(Request req) {
        JsonNode json = req.jsonBody();
        String model = BodyFields.requiredText(json, "model", MAX_MODEL_CHARS, "a route or a model alias (GET /v1/models)");
        Target target = target(model);
        ChatBody body = ChatBody.of(json);
        boolean includeUsage = streamOptionIncludeUsage(json); // read before a provider call asks for usage itself
        List<Source> sources = sources(json.get("sources"));
        long created = System.currentTimeMillis() / 1000;
        String eventId = UUID.randomUUID().toString();
        String shownId = ids.issue(eventId, req.principal()); // streams carry it too: feedback can name any answer
        quotaHeader(req, target);
        Labels labels = new Labels(shownId, target, created);
        ChatStream stream = body.stream() ? new ChatStream(req.sse(), labels, includeUsage) : null;
        CompletableFuture<Invocation> done = call(new Call(eventId, req.principal(), target, body.turns(), sources, false,
                body.maxTokens(), body.temperature(), body, stream == null ? null : stream::relay));
        return stream == null ? done.thenAccept(inv -> answer(req, inv, labels)) : done.handle(stream::end);
    }

    /** What every answer and chunk of one chat completion is labelled with: our id, the model as the caller named it, its time. */
    private record Labels(String id, Target target, long created) {}

    private void answer(Request req, Invocation inv, Labels labels) {
        ObjectNode raw = inv.answer().result().raw();
        ObjectNode out = raw != null ? relabel(raw, labels, inv) : head(labels, "chat.completion", inv);
        if (raw == null) {
            ObjectNode c = out.putArray("choices").addObject();
            c.put("index", 0);
            c.putObject("message").put("role", "assistant").put("content", inv.answer().result().text());
            c.put("finish_reason", inv.answer().result().finishReason());
            usage(out, inv);
        }
        degradedHeader(req, inv);
        respond(req, out);
        overhead(req, inv);
    }

    /** The gateway's own time in a plain call: received to handed to the socket, less the model's (docs/benchmarks.md). */
    private void overhead(Request req, Invocation inv) {
        metrics.overhead((System.nanoTime() - req.receivedNanos() - inv.modelNanos()) / 1e9);
    }

    static void respond(Request req, ObjectNode out) {
        try {
            req.respond(200, out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * One streamed chat completion: the provider's own chunks relayed (tool-call deltas, log-probabilities and all),
     * or chunks written by the gateway when the answer was translated, cached or degraded; then the usage chunk if
     * the caller asked for it, and [DONE]. A failure after the first chunk is an error event, as OpenAI sends it.
     */
    private static final class ChatStream {
        private final SseStream sse;
        private final Labels labels;
        private final boolean includeUsage;
        private boolean relayed;

        ChatStream(SseStream sse, Labels labels, boolean includeUsage) {
            this.sse = sse;
            this.labels = labels;
            this.includeUsage = includeUsage;
        }

        void relay(Delta d) {
            if (d.chunk() != null) {
                relayed = true;
                sse.send(relabel(d.chunk(), labels, null));
                return;
            }
            if (!sse.started()) {
                sse.send(chunk(labels, null, JsonCodec.mapper().createObjectNode().put("role", "assistant").put("content", ""), null));
            }
            sse.send(chunk(labels, null, JsonCodec.mapper().createObjectNode().put("content", d.text()), null));
        }

        Void end(Invocation inv, Throwable failure) {
            Throwable e = failure == null ? null : ModelChain.unwrap(failure);
            if (e instanceof ApiError api && sse.started()) {
                ObjectNode err = JsonCodec.mapper().createObjectNode();
                err.putObject("error").put("message", api.getMessage()).put("type", api.type()).put("code", api.code());
                sse.send(err);
                return null;
            }
            if (e != null) { // nothing sent yet: a plain JSON error with its status
                throw e instanceof RuntimeException re ? re : new java.util.concurrent.CompletionException(e);
            }
            if (!relayed) {
                if (!sse.started()) {
                    relay(Delta.text(inv.answer().result().text()));
                }
                sse.send(chunk(labels, inv, JsonCodec.mapper().createObjectNode(), inv.answer().result().finishReason()));
            }
            if (includeUsage) {
                ObjectNode u = head(labels, "chat.completion.chunk", inv);
                u.putArray("choices");
                usage(u, inv);
                sse.send(u);
            }
            sse.done();
            return null;
        }
    }

    /** A provider's answer or chunk as the caller sees it: our id, the model it asked for, the release that answered. */
    private static ObjectNode relabel(ObjectNode answer, Labels labels, Invocation inv) {
        answer.put("id", "chatcmpl-" + labels.id());
        answer.put("model", labels.target().name());
        if (inv != null && inv.promptVersion() != null) {
            answer.put("system_fingerprint", inv.promptId() + "@" + inv.promptVersion());
        }
        return answer;
    }

    private static ObjectNode chunk(Labels labels, Invocation inv, ObjectNode delta, String finish) {
        ObjectNode out = head(labels, "chat.completion.chunk", inv);
        ObjectNode c = out.putArray("choices").addObject();
        c.put("index", 0);
        c.set("delta", delta);
        if (finish == null) {
            c.putNull("finish_reason");
        } else {
            c.put("finish_reason", finish);
        }
        return out;
    }

    private static ObjectNode head(Labels labels, String object, Invocation inv) {
        ObjectNode out = JsonCodec.mapper().createObjectNode();
        out.put("id", "chatcmpl-" + labels.id());
        out.put("object", object);
        out.put("created", labels.created());
        out.put("model", labels.target().name());
        if (inv != null && inv.promptVersion() != null) {
            out.put("system_fingerprint", inv.promptId() + "@" + inv.promptVersion());
        }
        return out;
    }

    private static void usage(ObjectNode out, Invocation inv) {
        ObjectNode usage = out.putObject("usage");
        usage.put("prompt_tokens", inv.answer().result().inputTokens());
        usage.put("completion_tokens", inv.answer().result().outputTokens());
        usage.put("total_tokens", inv.answer().result().inputTokens() + inv.answer().result().outputTokens());
    }

    /** Set before the call: a stream sends its headers first. */
    private void quotaHeader(Request req, Target target) {
        if (service.servedDegraded(req.principal(), target)) {
            req.header("X-Pilotlight-Degraded", InvocationService.QUOTA);
        }
    }

    private static void degradedHeader(Request req, Invocation inv) {
        if (inv.answer().degraded()) {
            req.header("X-Pilotlight-Degraded", "true");
        }
    }

    private Target target(String name) {
        Optional<Route> r = catalog.route(name);
        if (r.isPresent()) {
            return Target.of(r.get());
        }
        Optional<ModelSpec> m = catalog.model(name);
        if (m.isPresent()) {
            return Target.of(m.get());
        }
        throw new ApiError(404, "invalid_request_error", "model_not_found", "model",
                "no route or model named '" + Echo.of(name) + "' (GET /v1/models lists them)");
    }

    /** {@code stream_options.include_usage}, strictly a boolean when given. */
    private static boolean streamOptionIncludeUsage(JsonNode body) {
        JsonNode options = body.get("stream_options");
        if (options == null || options.isNull()) {
            return false;
        }
        if (!options.isObject()) {
            throw ApiError.wrongType("stream_options", "an object");
        }
        Boolean include = BodyFields.optionalBoolean(options, "include_usage");
        return Boolean.TRUE.equals(include);
    }

    private CompletableFuture<Invocation> call(Call call) {
        return upstreamErrors(service.invoke(call));
    }

    /** A refusal or a provider's failure as the OpenAI error the caller gets. */
    static <T> CompletableFuture<T> upstreamErrors(CompletableFuture<T> call) {
        return call.handle((result, failure) -> {
            if (failure == null) {
                return result;
            }
            throw apiError(ModelChain.unwrap(failure));
        });
    }

    private static RuntimeException apiError(Throwable failure) {
        if (failure instanceof Rejected r) {
            String type = switch (r.httpStatus()) {
                case 429 -> "rate_limit_error";
                case 403 -> "permission_error";
                case 400, 422 -> "invalid_request_error";
                default -> "server_error";
            };
            return new ApiError(r.httpStatus(), type, r.code(), null, r.getMessage()).retryAfter(r.retryAfter());
        }
        if (failure instanceof ProviderFailure f) {
            if (!f.providerFault()) {
                return new ApiError(400, "invalid_request_error", "upstream_rejected", null,
                        "the model provider " + f.getMessage().replaceFirst("^upstream ", ""));
            }
            boolean timeout = f.status() == InvocationStatus.TIMEOUT;
            return new ApiError(timeout ? 504 : 502, "upstream_error", f.status().name().toLowerCase(Locale.ROOT), null,
                    "the model provider failed: " + f.getMessage());
        }
        // ApiError, ClientCancelled, or a bug the router answers with a 500
        return failure instanceof RuntimeException e ? e : new java.util.concurrent.CompletionException(failure);
    }
}
