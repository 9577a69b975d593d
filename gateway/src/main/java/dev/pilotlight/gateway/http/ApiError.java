package dev.pilotlight.gateway.http;

/** An error answered in OpenAI's shape: {"error":{"message","type","param","code"}} with an HTTP status. */
public class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private java.time.Duration retryAfter;

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

    public static ApiError notFound(String code, String message) {
        return new ApiError(404, "invalid_request_error", code, null, message);
    }

    /** Sets the Retry-After the client is told (429, 503). */
    public ApiError retryAfter(java.time.Duration d) {
        this.retryAfter = d;
        return this;
    }

    public java.time.Duration retryAfter() {
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
}
