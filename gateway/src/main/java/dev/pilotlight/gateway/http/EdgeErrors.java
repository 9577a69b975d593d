package dev.pilotlight.gateway.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/** Errors the edge answers before any endpoint runs (malformed HTTP, limits), as JSON, closing the connection. */
final class EdgeErrors {
    private EdgeErrors() {}

    /** What a request that could not be decoded gets: which limit or rule it broke. */
    static ApiError of(Throwable cause, int maxHeaderBytes) {
        if (cause instanceof TooLongHttpLineException) {
            return new ApiError(414, "invalid_request_error", "uri_too_long", null,
                    "the request line is longer than " + HttpEdge.MAX_INITIAL_LINE + " bytes");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new ApiError(431, "invalid_request_error", "headers_too_large", null,
                    "the request headers are larger than " + maxHeaderBytes + " bytes");
        }
        if (cause instanceof TooLongFrameException) {
            return new ApiError(400, "invalid_request_error", "malformed_request", null, "a part of the request is too long");
        }
        return new ApiError(400, "invalid_request_error", "malformed_request", null, "the request is not valid HTTP/1.1");
    }

    static void sendAndClose(Channel channel, ApiError e) {
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(e.status()),
                Unpooled.wrappedBuffer(e.body()));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        HttpUtil.setContentLength(r, r.content().readableBytes());
        HttpUtil.setKeepAlive(r, false);
        channel.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
}
