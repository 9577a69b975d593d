package dev.pilotlight.gateway.provider.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.pool.ChannelPool;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The call a pooled connection is serving: hands the response's parts to its listener, watches for
 * silence longer than the provider's timeout, and gives the connection back to the pool when the
 * answer is complete and the provider keeps it open (else closes it).
 */
final class Exchange extends SimpleChannelInboundHandler<HttpObject> {
    private Call call;
    private ChannelPool pool;
    private ChannelHandlerContext ctx;
    private long idleNanos;
    private long lastActivity;
    private boolean keepAlive;
    private ScheduledFuture<?> watchdog;
    /** Calls this connection has answered: a failure before any answer on a reused connection may be a stale one. */
    private int served;
    private boolean answered;
    private Runnable resend;

    @Override
    public void handlerAdded(ChannelHandlerContext c) {
        ctx = c;
    }

    /** Takes the call and writes its request, on the connection's event loop (so no answer can come before the call is known). */
    void begin(Call c, ChannelPool p, Duration idle, FullHttpRequest request, Runnable resendOnStale) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> begin(c, p, idle, request, resendOnStale));
            return;
        }
        call = c;
        answered = false;
        resend = served > 0 ? resendOnStale : null;
        pool = p;
        idleNanos = idle.toNanos();
        lastActivity = System.nanoTime();
        keepAlive = true;
        watchdog = ctx.executor().schedule(this::checkIdle, idleNanos, TimeUnit.NANOSECONDS);
        c.on(ctx.channel());
        ctx.channel().writeAndFlush(request).addListener(w -> {
            if (!w.isSuccess()) {
                failed(w.cause());
            }
        });
    }

    @Override
    protected void channelRead0(ChannelHandlerContext c, HttpObject msg) {
        if (call == null) {
            return; // nothing asked: a stray response on a pooled connection
        }
        lastActivity = System.nanoTime();
        answered = true;
        if (msg instanceof HttpResponse r) {
            keepAlive = HttpUtil.isKeepAlive(r);
            call.listener().status(r.status().code());
        }
        if (msg instanceof HttpContent content && content.content().isReadable()) {
            try {
                call.listener().content(content.content());
            } catch (RuntimeException e) {
                failed(e); // the listener gave up (the caller left, the answer is malformed)
                return;
            }
        }
        if (msg instanceof LastHttpContent) {
            Call done = detach();
            served++;
            if (keepAlive) {
                pool.release(c.channel());
            } else {
                c.close();
            }
            if (done.finish()) {
                done.listener().end();
            }
        }
    }

    private void checkIdle() {
        if (call == null) {
            return;
        }
        long silent = System.nanoTime() - lastActivity;
        if (silent >= idleNanos) {
            failed(new SocketTimeoutException("no answer from the provider for " + Duration.ofNanos(silent).toMillis() + " ms"));
        } else {
            watchdog = ctx.executor().schedule(this::checkIdle, idleNanos - silent, TimeUnit.NANOSECONDS);
        }
    }

    /** Fails the call in progress and closes the connection (it may hold half an answer). */
    void failed(Throwable cause) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> failed(cause));
            return;
        }
        Call c = call;
        if (c == null) {
            return;
        }
        Runnable again = !answered && cause instanceof IOException && !(cause instanceof SocketTimeoutException) ? resend : null;
        detach();
        ctx.close();
        pool.release(ctx.channel()); // the pool forgets a closed connection
        if (again != null && !c.abandoned()) {
            again.run(); // a kept-alive connection the provider had closed: not its failure
        } else {
            c.fail(cause);
        }
    }

    private Call detach() {
        Call c = call;
        call = null;
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        return c;
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) throws Exception {
        failed(new IOException("the provider closed the connection"));
        super.channelInactive(c);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        if (call == null) {
            c.close();
            return;
        }
        failed(cause);
    }
}
