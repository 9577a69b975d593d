package dev.pilotlight.common.codec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pilotlight.common.event.SchemaVersion;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one JSON codec of the contract: unknown fields are ignored (newer writers may add them),
 * missing required fields are rejected with a message that names the field, and a record written
 * by a newer schema than this reader knows is rejected rather than half-understood.
 */
public final class JsonCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    /** Names of the record components marked {@code @JsonProperty(required = true)}, per type. */
    private static final ClassValue<List<String>> REQUIRED = new ClassValue<>() {
        @Override
        protected List<String> computeValue(Class<?> type) {
            List<String> out = new ArrayList<>();
            if (type.isRecord()) {
                for (RecordComponent c : type.getRecordComponents()) {
                    // the annotation lands on the field: @JsonProperty does not target record components
                    JsonProperty p;
                    try {
                        p = type.getDeclaredField(c.getName()).getAnnotation(JsonProperty.class);
                    } catch (NoSuchFieldException e) {
                        throw new IllegalStateException(e);
                    }
                    if (p != null && p.required()) {
                        out.add(c.getName());
                    }
                }
            }
            return List.copyOf(out);
        }
    };

    private JsonCodec() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] encode(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + value.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    public static String encodeToString(Object value) {
        return new String(encode(value), StandardCharsets.UTF_8);
    }

    public static <T> T decode(byte[] json, Class<T> type) {
        if (json == null || json.length == 0) {
            throw new DecodeException("empty " + type.getSimpleName() + " record");
        }
        try {
            JsonNode tree = MAPPER.readTree(json);
            return decode(tree, type);
        } catch (DecodeException e) {
            throw e;
        } catch (IOException e) {
            throw new DecodeException("malformed JSON for " + type.getSimpleName() + ": " + firstLine(e), e);
        }
    }

    public static <T> T decode(String json, Class<T> type) {
        return decode(json == null ? null : json.getBytes(StandardCharsets.UTF_8), type);
    }

    public static <T> T decode(JsonNode tree, Class<T> type) {
        if (tree == null || !tree.isObject()) {
            throw new DecodeException(type.getSimpleName() + " must be a JSON object");
        }
        JsonNode version = tree.get("schemaVersion");
        if (version != null && version.canConvertToInt() && version.asInt() > SchemaVersion.CURRENT) {
            throw new DecodeException(type.getSimpleName() + " has schemaVersion " + version.asInt()
                    + ", newer than supported " + SchemaVersion.CURRENT);
        }
        for (String name : REQUIRED.get(type)) {
            JsonNode v = tree.get(name);
            if (v == null) {
                throw new DecodeException(type.getSimpleName() + " is missing required field '" + name + "'");
            }
            if (v.isNull()) {
                throw new DecodeException(type.getSimpleName() + " has null for required field '" + name + "'");
            }
        }
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (MismatchedInputException e) {
            throw new DecodeException(describe(type, e), e);
        } catch (IOException e) {
            throw new DecodeException("invalid " + type.getSimpleName() + ": " + firstLine(e), e);
        }
    }

    private static String describe(Class<?> type, MismatchedInputException e) {
        String field = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
        if (e instanceof InvalidFormatException ife) {
            return type.getSimpleName() + " field '" + field + "' has invalid value '" + ife.getValue() + "'";
        }
        return type.getSimpleName() + " field '" + field + "': " + firstLine(e);
    }

    private static String firstLine(Exception e) {
        String m = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
