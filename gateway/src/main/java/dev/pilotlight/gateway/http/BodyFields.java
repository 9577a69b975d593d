package dev.pilotlight.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Typed reads of request fields: a value of the wrong JSON type is refused with a 400 naming the
 * field, never coerced (Jackson's asInt/asBoolean would turn 1.9 into 1 and "yes" into false).
 */
public final class BodyFields {
    private BodyFields() {}

    public static boolean has(JsonNode body, String field) {
        return body.hasNonNull(field);
    }

    public static String optionalText(JsonNode body, String field, int maxChars) {
        if (!body.hasNonNull(field)) {
            return null;
        }
        JsonNode n = body.get(field);
        if (!n.isTextual()) {
            throw ApiError.wrongType(field, "a string");
        }
        if (n.asText().length() > maxChars) {
            throw ApiError.badRequest(field, "'" + field + "' is longer than " + maxChars + " characters");
        }
        return n.asText();
    }

    public static String requiredText(JsonNode body, String field, int maxChars, String hint) {
        String s = optionalText(body, field, maxChars);
        if (s == null || s.isBlank()) {
            throw ApiError.badRequest(field, "'" + field + "' is required: " + hint);
        }
        return s;
    }

    public static Boolean optionalBoolean(JsonNode body, String field) {
        if (!body.hasNonNull(field)) {
            return null;
        }
        JsonNode n = body.get(field);
        if (!n.isBoolean()) {
            throw ApiError.wrongType(field, "true or false");
        }
        return n.booleanValue();
    }

    public static Integer optionalInt(JsonNode body, String field, int min, int max) {
        if (!body.hasNonNull(field)) {
            return null;
        }
        JsonNode n = body.get(field);
        if (!n.isIntegralNumber()) {
            throw ApiError.wrongType(field, "a whole number between " + min + " and " + max);
        }
        if (!n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
            throw ApiError.badRequest(field, "'" + field + "' must be a whole number between " + min + " and " + max);
        }
        return n.intValue();
    }

    public static Double optionalNumber(JsonNode body, String field, double min, double max) {
        if (!body.hasNonNull(field)) {
            return null;
        }
        JsonNode n = body.get(field);
        if (!n.isNumber()) {
            throw ApiError.wrongType(field, "a number between " + fmt(min) + " and " + fmt(max));
        }
        if (!Double.isFinite(n.doubleValue()) || n.doubleValue() < min || n.doubleValue() > max) {
            throw ApiError.badRequest(field, "'" + field + "' must be a number between " + fmt(min) + " and " + fmt(max));
        }
        return n.doubleValue();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
