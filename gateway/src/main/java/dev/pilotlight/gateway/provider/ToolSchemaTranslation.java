package dev.pilotlight.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A tool's JSON Schema (OpenAI's {@code function.parameters}) in langchain4j's schema elements, which
 * is what a translated provider can be sent: types, properties, required, items, enums of strings,
 * anyOf, additionalProperties and descriptions. Any other keyword ($ref, oneOf, pattern, minimum,
 * format, ...) would be lost in translation, so it is named and the call refused.
 */
final class ToolSchemaTranslation {
    private static final Set<String> CARRIED = Set.of("type", "properties", "required", "items", "enum", "anyOf", "description",
            "additionalProperties", "title");

    private ToolSchemaTranslation() {}

    /** The first keyword of {@code schema} (at {@code path}) that cannot be carried, or empty. */
    static Optional<String> problem(JsonNode schema, String path) {
        if (!schema.isObject()) {
            return Optional.of(path + " (not a schema object)");
        }
        for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!CARRIED.contains(k)) {
                return Optional.of(path + "." + k);
            }
        }
        if (schema.has("additionalProperties") && !schema.get("additionalProperties").isBoolean()) {
            return Optional.of(path + ".additionalProperties (a schema)");
        }
        if (schema.has("enum") && !allText(schema.get("enum"))) {
            return Optional.of(path + ".enum (values other than strings)");
        }
        if (!schema.has("anyOf") && !schema.has("enum") && !List.of("object", "array", "string", "integer", "number", "boolean", "null")
                .contains(schema.path("type").asText())) {
            return Optional.of(path + ".type (" + schema.path("type") + ")");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            Optional<String> inner = problem(p.getValue(), path + ".properties." + p.getKey());
            if (inner.isPresent()) {
                return inner;
            }
        }
        if (schema.has("items")) {
            Optional<String> inner = problem(schema.get("items"), path + ".items");
            if (inner.isPresent()) {
                return inner;
            }
        }
        for (int i = 0; i < schema.path("anyOf").size(); i++) {
            Optional<String> inner = problem(schema.get("anyOf").get(i), path + ".anyOf[" + i + "]");
            if (inner.isPresent()) {
                return inner;
            }
        }
        return Optional.empty();
    }

    /** The parameters object of a tool; call {@link #problem} first. */
    static JsonObjectSchema parameters(JsonNode schema) {
        return schema == null || schema.isNull() || schema.isMissingNode() ? JsonObjectSchema.builder().build() : object(schema);
    }

    private static JsonSchemaElement element(JsonNode s) {
        String description = s.path("description").asText(null);
        if (s.has("enum")) {
            List<String> values = new ArrayList<>();
            s.get("enum").forEach(v -> values.add(v.asText()));
            return JsonEnumSchema.builder().enumValues(values).description(description).build();
        }
        if (s.has("anyOf")) {
            List<JsonSchemaElement> options = new ArrayList<>();
            s.get("anyOf").forEach(o -> options.add(element(o)));
            return JsonAnyOfSchema.builder().anyOf(options).description(description).build();
        }
        return switch (s.path("type").asText()) {
            case "object" -> object(s);
            case "array" -> JsonArraySchema.builder().items(s.has("items") ? element(s.get("items")) : JsonStringSchema.builder().build())
                    .description(description).build();
            case "integer" -> JsonIntegerSchema.builder().description(description).build();
            case "number" -> JsonNumberSchema.builder().description(description).build();
            case "boolean" -> JsonBooleanSchema.builder().description(description).build();
            case "null" -> new JsonNullSchema();
            default -> JsonStringSchema.builder().description(description).build();
        };
    }

    private static JsonObjectSchema object(JsonNode s) {
        JsonObjectSchema.Builder b = JsonObjectSchema.builder().description(s.path("description").asText(null));
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            b.addProperty(p.getKey(), element(p.getValue()));
        }
        List<String> required = new ArrayList<>();
        s.path("required").forEach(r -> required.add(r.asText()));
        if (!required.isEmpty()) {
            b.required(required);
        }
        if (s.path("additionalProperties").isBoolean()) {
            b.additionalProperties(s.get("additionalProperties").booleanValue());
        }
        return b.build();
    }

    private static boolean allText(JsonNode values) {
        for (JsonNode v : values) {
            if (!v.isTextual()) {
                return false;
            }
        }
        return values.isArray();
    }
}
