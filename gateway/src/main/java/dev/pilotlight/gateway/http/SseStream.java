package dev.pilotlight.gateway.http;

import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.gateway.provider.ClientCancelled;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events as OpenAI streams them ({@code data: <json>} lines, then {@code data: [DONE]}).
 * Headers go out with the first event, so a failure before any text can still be a JSON error. A
 * caller that has gone away makes the next send throw {@link ClientCancelled}, which ends the call
 * as cancelled instead of counting against the provider.
 */
final class SseStream {
    private final Request request;
    private boolean started;
    private boolean ended;

    SseStream(Request request) {
        this.request = request;
    }

    synchronized boolean started() {
        return started;
    }

    synchronized void send(Object event) {
        write("data: " + JsonCodec.encodeToString(event) + "\n\n");
    }

    /** The terminating {@code [DONE]} event and the end of the response. */
    synchronized void done() {
        write("data: [DONE]\n\n");
        end();
    }

    /** Ends the chunked response (after [DONE], or after an error event). */
    synchronized void end() {
        if (!started || ended) {
            return;
        }
        ended = true;
        request.channel().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> request.written(f::isSuccess));
    }

    private void write(String s) {
        if (!request.isOpen()) {
            throw new ClientCancelled("the caller closed the connection during the stream");
        }
        if (!started) {
            if (!request.begin(200)) {
                throw new IllegalStateException("a response was already sent");
            }
            started = true;
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(request.responseHeaders());
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            HttpUtil.setTransferEncodingChunked(head, true);
            HttpUtil.setKeepAlive(head, request.keepAlive());
            request.channel().write(head);
        }
        request.channel().writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8)));
    }
}
