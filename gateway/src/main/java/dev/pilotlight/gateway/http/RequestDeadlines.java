package dev.pilotlight.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * How long one connection may take at each step: its headers (from connect, or from the first byte
 * of a kept-alive connection's next request), then its body, then nothing while the endpoint works,
 * then the idle wait for the next request. A connection that misses a deadline is closed (with a 408
 * when its headers were in), so slow or half-open senders cannot hold a worker or a socket for long.
 * Every method runs on the channel's event loop.
 */
final class RequestDeadlines {
    private enum Step { HEADERS, BODY, SERVING, IDLE }

    private final Duration header;
    private final Duration body;
    private final Duration idle;
    private final Consumer<String> onTimeout;
    private ChannelHandlerContext ctx;
    private Step step = Step.HEADERS;
    private ScheduledFuture<?> pending;

    RequestDeadlines(EdgeSettings s, Consumer<String> onTimeout) {
        this.header = s.headerTimeout();
        this.body = s.bodyTimeout();
        this.idle = s.idleTimeout();
        this.onTimeout = onTimeout;
    }

    /** Before the HTTP decoder: sees raw bytes, so a kept-alive connection's next request starts its header clock. */
    ChannelInboundHandler beforeDecoder() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext c) throws Exception {
                ctx = c;
                arm(Step.HEADERS, header);
                super.channelActive(c);
            }

            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) throws Exception {
                if (step == Step.IDLE && msg instanceof ByteBuf b && b.isReadable()) {
                    arm(Step.HEADERS, header);
                }
                super.channelRead(c, msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext c) throws Exception {
                cancel();
                super.channelInactive(c);
            }
        };
    }

    /** After the decoder: headers complete, body complete. */
    ChannelInboundHandler afterDecoder() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) throws Exception {
                if (msg instanceof HttpRequest && step == Step.HEADERS) {
                    arm(Step.BODY, body);
                }
                if (msg instanceof LastHttpContent && step == Step.BODY) {
                    arm(Step.SERVING, null);
                }
                super.channelRead(c, msg);
            }
        };
    }

    /** The response was written and the connection stays open: wait for the next request. */
    void idle() {
        arm(Step.IDLE, idle);
    }

    private void arm(Step next, Duration limit) {
        cancel();
        step = next;
        if (limit != null && ctx != null) {
            pending = ctx.executor().schedule(this::expired, limit.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    private void expired() {
        switch (step) {
            case HEADERS -> {
                onTimeout.accept("header_timeout");
                ctx.close();
            }
            case BODY -> {
                onTimeout.accept("body_timeout");
                ApiError e = new ApiError(408, "invalid_request_error", "request_timeout", null,
                        "the request body did not arrive within " + body.toSeconds() + " s");
                DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
                        Unpooled.wrappedBuffer(e.body()));
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                HttpUtil.setContentLength(r, r.content().readableBytes());
                HttpUtil.setKeepAlive(r, false);
                ctx.channel().writeAndFlush(r).addListener(ChannelFutureListener.CLOSE); // from the tail: through the encoder
            }
            case IDLE -> ctx.close(); // an ordinary end of a kept-alive connection, not an attack
            case SERVING -> { }
        }
    }
}
