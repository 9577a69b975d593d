package dev.pilotlight.gateway.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each complete request to the router (on this event loop; the router moves what may block
 * to a worker thread) and stops reading the connection until the response is written, so one
 * connection has one request in progress; a pipelined request that was already read waits its turn.
 * Requests that could not be decoded are answered here. State is confined to the channel's event loop.
 */
final class RequestDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);

    private final Router router;
    private final Executor workers;
    private final RequestDeadlines deadlines;
    private final int maxHeaderBytes;
    private final Deque<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean busy;

    RequestDispatcher(Router router, Executor workers, RequestDeadlines deadlines, int maxHeaderBytes) {
        super(false); // released when the response is written
        this.router = router;
        this.workers = workers;
        this.deadlines = deadlines;
        this.maxHeaderBytes = maxHeaderBytes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest http) {
        ctx.channel().config().setAutoRead(false);
        if (busy) {
            waiting.add(http);
            return;
        }
        serve(ctx, http);
    }

    private void serve(ChannelHandlerContext ctx, FullHttpRequest http) {
        if (http.decoderResult().isFailure()) {
            http.release();
            EdgeErrors.sendAndClose(ctx.channel(), EdgeErrors.of(http.decoderResult().cause(), maxHeaderBytes));
            return;
        }
        busy = true;
        // always queued, even when already on the loop: a pipelined next request is then not served inside this one's write
        Request request = new Request(ctx.channel(), http, keep -> ctx.executor().execute(() -> finished(ctx, http, keep)));
        router.handle(request, workers);
    }

    private void finished(ChannelHandlerContext ctx, FullHttpRequest http, boolean keep) {
        http.release();
        busy = false;
        if (!keep || !ctx.channel().isActive()) {
            waiting.forEach(FullHttpRequest::release);
            waiting.clear();
            ctx.close();
            return;
        }
        FullHttpRequest next = waiting.poll();
        if (next != null) {
            serve(ctx, next);
            return;
        }
        deadlines.idle();
        ctx.channel().config().setAutoRead(true);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        waiting.forEach(FullHttpRequest::release);
        waiting.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
