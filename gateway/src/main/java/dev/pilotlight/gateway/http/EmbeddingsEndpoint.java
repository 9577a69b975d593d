package dev.pilotlight.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.gateway.catalog.Catalog;
import dev.pilotlight.gateway.catalog.ModelSpec;
import dev.pilotlight.gateway.invoke.EmbeddingService;
import java.util.concurrent.CompletionStage;
import java.util.UUID;

/** POST /v1/embeddings: OpenAI's embeddings call for a model alias of the catalog, passed through whole. */
public final class EmbeddingsEndpoint {
    private final Catalog catalog;
    private final EmbeddingService service;

    public EmbeddingsEndpoint(Catalog catalog, EmbeddingService service) {
        this.catalog = catalog;
        this.service = service;
    }

    public CompletionStage<?> embed(Request req) {
        JsonNode json = req.jsonBody();
        String name = BodyFields.requiredText(json, "model", InvokeEndpoints.MAX_MODEL_CHARS, "a model alias (GET /v1/models)");
        ModelSpec model = catalog.model(name).orElseThrow(() -> new ApiError(404, "invalid_request_error", "model_not_found", "model",
                catalog.route(name).isPresent()
                        ? "'" + Echo.of(name) + "' is a route; embeddings take a model alias (GET /v1/models)"
                        : "no model named '" + Echo.of(name) + "' (GET /v1/models lists them)"));
        JsonNode input = json.get("input");
        boolean text = input != null && input.isTextual() && !input.asText().isEmpty();
        boolean list = input != null && input.isArray() && !input.isEmpty() && input.size() <= 2048;
        if (!text && !list) {
            throw ApiError.badRequest("input", "'input' must be a non-empty string or an array of 1 to 2048 strings or token arrays");
        }
        return InvokeEndpoints.upstreamErrors(service.embed(UUID.randomUUID().toString(), req.principal(), model,
                (ObjectNode) json, EmbeddingService.inputChars(input))).thenAccept(answer -> InvokeEndpoints.respond(req, answer));
    }
}
