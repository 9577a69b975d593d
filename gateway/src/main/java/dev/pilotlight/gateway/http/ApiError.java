package dev.pilotlight.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.codec.JsonCodec;
import java.time.Duration;

/** An error answered in OpenAI's shape: {"error":{"message","type","param","code"}} with an HTTP status. */
public class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private Duration retryAfter;

    public ApiError(int status, String type, String code, String param, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    public static ApiError badRequest(String param, String message) {
        return new ApiError(400, "invalid_request_error", "invalid_value", param, message);
    }

    /** A field of the wrong JSON type: refused, never coerced ("n": 1.9 is not 1, "stream": "yes" is not true). */
    public static ApiError wrongType(String param, String expected) {
        return new ApiError(400, "invalid_request_error", "invalid_type", param, "'" + param + "' must be " + expected);
    }

    public static ApiError notFound(String code, String message) {
        return new ApiError(404, "invalid_request_error", code, null, message);
    }

    /** Sets the Retry-After the client is told (429, 503). */
    public ApiError retryAfter(Duration d) {
        this.retryAfter = d;
        return this;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    /** The JSON body. */
    public byte[] body() {
        ObjectNode body = JsonCodec.mapper().createObjectNode();
        ObjectNode err = body.putObject("error");
        err.put("message", getMessage());
        err.put("type", type);
        if (param == null) {
            err.putNull("param");
        } else {
            err.put("param", param);
        }
        err.put("code", code);
        return JsonCodec.encode(body);
    }
}
