package dev.pilotlight.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.gateway.invoke.Invocation;
import dev.pilotlight.gateway.invoke.InvocationService;
import dev.pilotlight.gateway.prompt.PromptRegistry;
import dev.pilotlight.gateway.prompt.Route;
import dev.pilotlight.gateway.provider.ChatTurn;
import dev.pilotlight.gateway.provider.ProviderFailure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The two ways to call a model: the route API and OpenAI's chat completions (model = route name). */
public final class InvokeEndpoints {
    private final PromptRegistry registry;
    private final InvocationService service;

    public InvokeEndpoints(PromptRegistry registry, InvocationService service) {
        this.registry = registry;
        this.service = service;
    }

    /** POST /v1/routes/{route}/invoke {"input": "..."} */
    public void invokeRoute(Request req) throws IOException {
        Route route = route(req.path("route"), null);
        JsonNode body = req.jsonBody();
        JsonNode input = body.get("input");
        if (input == null || !input.isTextual() || input.asText().isBlank()) {
            throw ApiError.badRequest("input", "'input' must be a non-empty string");
        }
        Invocation inv = call(req, route, List.of(new ChatTurn(ChatTurn.Role.USER, input.asText())), true);
        ObjectNode out = JsonCodec.mapper().createObjectNode();
        out.put("id", inv.eventId());
        out.put("route", inv.route());
        out.put("promptVersion", inv.assignment().version());
        out.put("variant", inv.assignment().variant());
        out.put("model", inv.model());
        out.put("output", inv.result().text());
        ObjectNode usage = out.putObject("usage");
        usage.put("inputTokens", inv.result().inputTokens());
        usage.put("outputTokens", inv.result().outputTokens());
        out.put("costUsd", inv.costUsd());
        out.put("latencyMs", inv.latencyMs());
        req.respond(200, out);
    }

    /** POST /v1/chat/completions, non-streaming; {@code model} names a route. */
    public void chatCompletions(Request req) throws IOException {
        JsonNode body = req.jsonBody();
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw ApiError.badRequest("model", "'model' is required and must name a route");
        }
        if (body.path("stream").asBoolean(false)) {
            throw ApiError.badRequest("stream", "streaming is not supported by this gateway version; send stream=false");
        }
        Route route = route(model.asText(), "model");
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiError.badRequest("messages", "'messages' must be a non-empty array");
        }
        List<ChatTurn> turns = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asText("");
            JsonNode content = m.get("content");
            if (content == null || !content.isTextual()) {
                throw ApiError.badRequest("messages[" + i + "].content", "messages[" + i + "].content must be a string");
            }
            ChatTurn.Role r = switch (role) {
                case "system", "developer" -> ChatTurn.Role.SYSTEM;
                case "user" -> ChatTurn.Role.USER;
                case "assistant" -> ChatTurn.Role.ASSISTANT;
                default -> throw ApiError.badRequest("messages[" + i + "].role",
                        "messages[" + i + "].role must be system, developer, user or assistant");
            };
            turns.add(new ChatTurn(r, content.asText()));
        }
        Invocation inv = call(req, route, turns, false);
        ObjectNode out = JsonCodec.mapper().createObjectNode();
        out.put("id", "chatcmpl-" + inv.eventId());
        out.put("object", "chat.completion");
        out.put("created", System.currentTimeMillis() / 1000);
        out.put("model", route.name());
        out.put("system_fingerprint", route.promptId() + "@" + inv.assignment().version());
        ArrayNode choices = out.putArray("choices");
        ObjectNode c = choices.addObject();
        c.put("index", 0);
        ObjectNode msg = c.putObject("message");
        msg.put("role", "assistant");
        msg.put("content", inv.result().text());
        c.put("finish_reason", inv.result().finishReason() == null ? "stop" : inv.result().finishReason());
        ObjectNode usage = out.putObject("usage");
        usage.put("prompt_tokens", inv.result().inputTokens());
        usage.put("completion_tokens", inv.result().outputTokens());
        usage.put("total_tokens", inv.result().inputTokens() + inv.result().outputTokens());
        req.respond(200, out);
    }

    private Route route(String name, String param) {
        return registry.route(name).orElseThrow(() -> new ApiError(404, "invalid_request_error",
                param == null ? "route_not_found" : "model_not_found", param, "no route named '" + name + "'"));
    }

    private Invocation call(Request req, Route route, List<ChatTurn> turns, boolean templated) {
        try {
            return service.invoke(req.principal(), route, turns, templated);
        } catch (ProviderFailure f) {
            boolean timeout = f.status() == InvocationStatus.TIMEOUT;
            throw new ApiError(timeout ? 504 : 502, "upstream_error",
                    f.status().name().toLowerCase(Locale.ROOT), null, "the model provider failed: " + f.getMessage());
        }
    }
}
