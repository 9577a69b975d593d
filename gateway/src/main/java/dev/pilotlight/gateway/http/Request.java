package dev.pilotlight.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.gateway.auth.Principal;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One HTTP call as the endpoints see it: method, raw path, the caller once authenticated, path
 * parameters decoded once, a strictly parsed JSON body, and exactly one response (JSON, raw bytes
 * or a server-sent event stream). Begun on a worker thread, answered there or by whichever thread
 * completes the endpoint's future (a provider's event loop); Netty queues writes to the channel.
 */
public final class Request {
    private final Channel channel;
    private final FullHttpRequest http;
    private final String rawPath;
    private final boolean keepAlive;
    /** Told once the response is fully written: true to keep the connection for the next request. */
    private final Consumer<Boolean> onWritten;
    private final HttpHeaders responseHeaders = new DefaultHttpHeaders();
    private Map<String, String> params = Map.of();
    private Principal principal;
    private JsonNode body;
    private volatile int status;
    private volatile boolean responded;
    private SseStream sse;

    /** When the whole request had arrived (System.nanoTime): where the gateway's own time starts. */
    private final long receivedNanos = System.nanoTime();

    Request(Channel channel, FullHttpRequest http, Consumer<Boolean> onWritten) {
        this.channel = channel;
        this.http = http;
        this.rawPath = new QueryStringDecoder(http.uri()).rawPath();
        this.keepAlive = HttpUtil.isKeepAlive(http);
        this.onWritten = onWritten;
    }

    void authorize(Principal who, Map<String, String> decodedParams) {
        this.principal = who;
        this.params = decodedParams;
    }

    public long receivedNanos() {
        return receivedNanos;
    }

    public String method() {
        return http.method().name();
    }

    /** The path as sent, still percent-encoded: for matching and (truncated) error messages only. */
    public String rawPath() {
        return rawPath;
    }

    public String path(String name) {
        return params.get(name);
    }

    public Principal principal() {
        return principal;
    }

    public String header(String name) {
        return http.headers().get(name);
    }

    /** The body as one strictly parsed JSON object (JsonBody); the size limit was enforced while it arrived. */
    public JsonNode jsonBody() {
        if (body == null) {
            body = JsonBody.parseObject(ByteBufUtil.getBytes(http.content()));
        }
        return body;
    }

    /** The body's size in bytes, as received. */
    int bodyBytes() {
        return http.content().readableBytes();
    }

    /** The caller's address as the socket sees it (a proxy in front must be trusted explicitly; none is). */
    public String clientIp() {
        return channel.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress()
                : String.valueOf(channel.remoteAddress()); // not an IP socket (a local or embedded channel): named as it is
    }

    /** Whether the caller is still connected. */
    public boolean isOpen() {
        return channel.isActive();
    }

    public void header(String name, String value) {
        responseHeaders.set(name, value);
    }

    public void respondRaw(int status, String contentType, byte[] bytes) {
        responseHeaders.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        send(status, bytes);
    }

    public void respond(int status, Object body) throws IOException {
        byte[] bytes = body instanceof byte[] b ? b : JsonCodec.mapper().writeValueAsBytes(body);
        respondRaw(status, "application/json", bytes);
    }

    /** An error as JSON, unless a response is already under way (then a stream reports it itself). */
    void fail(ApiError e) {
        if (responded) {
            return;
        }
        if (e.retryAfter() != null) {
            long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
            responseHeaders.set(HttpHeaderNames.RETRY_AFTER, String.valueOf(seconds));
        }
        respondRaw(e.status(), "application/json", e.body());
    }

    SseStream sse() {
        if (sse == null) {
            sse = new SseStream(this);
        }
        return sse;
    }

    /** Called by the router when the handler returned: a stream left open is ended, a missing response is a 500. */
    void complete() {
        if (sse != null && sse.started()) {
            sse.end();
        } else if (!responded) {
            fail(new ApiError(500, "server_error", "internal_error", null, "the endpoint gave no answer"));
        }
    }

    int status() {
        return status;
    }

    boolean responded() {
        return responded;
    }

    Channel channel() {
        return channel;
    }

    boolean keepAlive() {
        return keepAlive;
    }

    HttpHeaders responseHeaders() {
        return responseHeaders;
    }

    /** Marks the response as begun with {@code status}; false when one was begun already. */
    boolean begin(int status) {
        if (responded) {
            return false;
        }
        responded = true;
        this.status = status;
        return true;
    }

    /** After the last byte: keep the connection for the next request, or close it. */
    void written(BooleanSupplier success) {
        onWritten.accept(keepAlive && success.getAsBoolean());
    }

    private void send(int status, byte[] bytes) {
        if (!begin(status)) {
            return;
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(bytes));
        r.headers().set(responseHeaders);
        HttpUtil.setContentLength(r, bytes.length);
        HttpUtil.setKeepAlive(r, keepAlive);
        channel.writeAndFlush(r).addListener(f -> written(f::isSuccess));
    }
}
