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
import dev.pilotlight.gateway.provider.ChatTurn;
import dev.pilotlight.gateway.provider.ProviderFailure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

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

    public InvokeEndpoints(Catalog catalog, InvocationService service, InvocationIds ids) {
        this.catalog = catalog;
        this.service = service;
        this.ids = ids;
    }

    /** POST /v1/routes/{route}/invoke {"input": "..."} */
    public void invokeRoute(Request req) throws IOException {
        String name = req.path("route");
        Route route = catalog.route(name).orElseThrow(() -> ApiError.notFound("route_not_found", "no route named '" + Echo.of(name) + "'"));
        JsonNode body = req.jsonBody();
        String input = BodyFields.requiredText(body, "input", Integer.MAX_VALUE, "the text the route's prompt is applied to");
        String eventId = UUID.randomUUID().toString();
        Invocation inv = call(new Call(eventId, req.principal(), Target.of(route), List.of(new ChatTurn(ChatTurn.Role.USER, input)),
                sources(body.get("sources")), true, null, null, null));
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
        req.respond(200, out);
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

    /** POST /v1/chat/completions */
    public void chatCompletions(Request req) throws IOException {
        JsonNode body = req.jsonBody();
        String model = BodyFields.requiredText(body, "model", MAX_MODEL_CHARS, "a route or a model alias (GET /v1/models)");
        Target target = target(model);
        List<ChatTurn> turns = messages(body.get("messages"));
        Integer maxTokens = BodyFields.optionalInt(body, "max_tokens", 1, 1_000_000);
        if (maxTokens == null) {
            maxTokens = BodyFields.optionalInt(body, "max_completion_tokens", 1, 1_000_000);
        }
        Double temperature = BodyFields.optionalNumber(body, "temperature", 0, 2);
        Integer n = BodyFields.optionalInt(body, "n", 1, 128);
        if (n != null && n != 1) {
            throw ApiError.badRequest("n", "only n=1 is supported");
        }
        boolean stream = Boolean.TRUE.equals(BodyFields.optionalBoolean(body, "stream"));
        boolean includeUsage = streamOptionIncludeUsage(body);
        long created = System.currentTimeMillis() / 1000;
        List<Source> sources = sources(body.get("sources"));
        String eventId = UUID.randomUUID().toString();
        String shownId = ids.issue(eventId, req.principal()); // streams carry it too: feedback can name any answer
        if (!stream) {
            Invocation inv = call(new Call(eventId, req.principal(), target, turns, sources, false, maxTokens, temperature, null));
            ObjectNode out = head(shownId, "chat.completion", created, target, inv);
            ObjectNode c = out.putArray("choices").addObject();
            c.put("index", 0);
            c.putObject("message").put("role", "assistant").put("content", inv.answer().result().text());
            c.put("finish_reason", inv.answer().result().finishReason());
            usage(out, inv);
            degradedHeader(req, inv);
            req.respond(200, out);
            return;
        }
        SseStream sse = req.sse();
        String streamId = shownId;
        Consumer<String> onDelta = text -> {
            if (!sse.started()) {
                sse.send(chunk(streamId, created, target, null, JsonCodec.mapper().createObjectNode().put("role", "assistant").put("content", ""), null));
            }
            sse.send(chunk(streamId, created, target, null, JsonCodec.mapper().createObjectNode().put("content", text), null));
        };
        Invocation inv;
        try {
            inv = call(new Call(eventId, req.principal(), target, turns, sources, false, maxTokens, temperature, onDelta));
        } catch (ApiError e) {
            if (!sse.started()) {
                throw e; // nothing sent yet: a plain JSON error with its status
            }
            ObjectNode err = JsonCodec.mapper().createObjectNode();
            err.putObject("error").put("message", e.getMessage()).put("type", e.type()).put("code", e.code());
            sse.send(err); // OpenAI reports mid-stream failures as an error event
            return;
        }
        if (!sse.started()) { // answered without deltas (degraded answer): send it as one
            onDelta.accept(inv.answer().result().text());
        }
        sse.send(chunk(streamId, created, target, inv, JsonCodec.mapper().createObjectNode(), inv.answer().result().finishReason()));
        if (includeUsage) {
            ObjectNode u = head(streamId, "chat.completion.chunk", created, target, inv);
            u.putArray("choices");
            usage(u, inv);
            sse.send(u);
        }
        sse.done();
    }

    private ObjectNode chunk(String id, long created, Target target, Invocation inv, ObjectNode delta, String finish) {
        ObjectNode out = head(id, "chat.completion.chunk", created, target, inv);
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

    private static ObjectNode head(String id, String object, long created, Target target, Invocation inv) {
        ObjectNode out = JsonCodec.mapper().createObjectNode();
        out.put("id", "chatcmpl-" + id);
        out.put("object", object);
        out.put("created", created);
        out.put("model", target.name());
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

    static List<ChatTurn> messages(JsonNode messages) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiError.badRequest("messages", "'messages' must be a non-empty array");
        }
        List<ChatTurn> turns = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            if (!m.isObject() || !m.path("role").isTextual()) {
                throw ApiError.wrongType("messages[" + i + "].role", "a string: system, developer, user or assistant");
            }
            String role = m.get("role").asText();
            ChatTurn.Role r = switch (role) {
                case "system", "developer" -> ChatTurn.Role.SYSTEM;
                case "user" -> ChatTurn.Role.USER;
                case "assistant" -> ChatTurn.Role.ASSISTANT;
                default -> throw ApiError.badRequest("messages[" + i + "].role",
                        "messages[" + i + "].role must be system, developer, user or assistant");
            };
            turns.add(new ChatTurn(r, content(m.get("content"), i)));
        }
        if (turns.stream().noneMatch(t -> t.role() == ChatTurn.Role.USER)) {
            throw ApiError.badRequest("messages", "'messages' must contain at least one user message");
        }
        return turns;
    }

    /** A string, or OpenAI's array of parts of which only text parts are supported. */
    private static String content(JsonNode content, int i) {
        if (content != null && content.isTextual()) {
            return content.asText();
        }
        if (content != null && content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw ApiError.badRequest("messages[" + i + "].content", "only text content parts are supported");
                }
                sb.append(part.get("text").asText());
            }
            return sb.toString();
        }
        throw ApiError.badRequest("messages[" + i + "].content", "messages[" + i + "].content must be a string or text parts");
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

    private Invocation call(Call call) {
        try {
            return service.invoke(call);
        } catch (Rejected r) {
            String type = switch (r.httpStatus()) {
                case 429 -> "rate_limit_error";
                case 403 -> "permission_error";
                case 400, 422 -> "invalid_request_error";
                default -> "server_error";
            };
            throw new ApiError(r.httpStatus(), type, r.code(), null, r.getMessage()).retryAfter(r.retryAfter());
        } catch (ProviderFailure f) {
            if (!f.providerFault()) {
                throw new ApiError(400, "invalid_request_error", "upstream_rejected", null,
                        "the model provider refused the request (for example: too long for the model)");
            }
            boolean timeout = f.status() == InvocationStatus.TIMEOUT;
            throw new ApiError(timeout ? 504 : 502, "upstream_error", f.status().name().toLowerCase(Locale.ROOT), null,
                    "the model provider failed: " + f.getMessage());
        }
    }
}
