package dev.pilotlight.gateway.http;

import dev.pilotlight.common.Deadline;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The gateway's HTTP/1.1 server (Netty). Per connection, in order: the connection limits (before
 * any parsing), the header/body/idle deadlines, the decoder with limits on the request line and
 * headers, the body aggregator with the body limit, and the dispatcher that hands each request to
 * the router on its event loop (the router moves what may block to a worker thread). Nothing here
 * answers in HTML or with a stack trace (docs/security.md, "HTTP edge").
 */
public final class HttpEdge implements AutoCloseable {
    static final int MAX_INITIAL_LINE = 8192;

    private final EdgeSettings settings;
    private final Router router;
    private final EventLoopGroup boss;
    private final EventLoopGroup io;
    private final ExecutorService workers;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final ConnectionLimits limits;
    private final Channel server;

    private HttpEdge(EdgeSettings settings, Router router, EventLoopGroup io, NettyTransport transport, Consumer<String> onEdgeEvent)
            throws InterruptedException {
        this.settings = settings;
        this.router = router;
        this.limits = new ConnectionLimits(settings.maxConnections(), settings.maxConnectionsPerAddress(), onEdgeEvent);
        this.boss = new MultiThreadIoEventLoopGroup(1, transport.ioHandlers());
        this.io = io;
        // for endpoints that may block and large bodies: threads come and go with load (idle ones end
        // after a minute), up to the configured number; beyond that requests wait in the queue
        ThreadPoolExecutor pool = new ThreadPoolExecutor(settings.workers(), settings.workers(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(null, r, "gateway-http", 512 * 1024);
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.workers = pool;
        this.server = new ServerBootstrap().group(boss, io).channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // Netty 4.2's default (adaptive) allocator cost more CPU per call here than the pooled one, whose
                // per-thread caches suit a call that stays on one event loop (docs/benchmarks.md, session 15)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        RequestDeadlines deadlines = new RequestDeadlines(settings, onEdgeEvent);
                        ch.pipeline()
                                .addLast("limits", limits)
                                .addLast("deadline-bytes", deadlines.beforeDecoder())
                                .addLast("codec", new HttpServerCodec(MAX_INITIAL_LINE, settings.maxHeaderBytes(), 8192))
                                .addLast("deadline-parts", deadlines.afterDecoder())
                                .addLast("body", new JsonBodyAggregator(settings.maxBodyBytes()))
                                .addLast("dispatch", new RequestDispatcher(router, workers, deadlines, settings.maxHeaderBytes()));
                    }
                })
                .bind(new InetSocketAddress(settings.bind(), settings.port())).sync().channel();
    }

    /** The event loops a server reads its connections on: one per core (at least two), shared with {@code UpstreamHttp.onLoops}. */
    public static EventLoopGroup newLoops(NettyTransport transport) {
        return transport.newLoops(Math.max(2, Runtime.getRuntime().availableProcessors()), "gateway-io");
    }

    /**
     * @param io          the event loops that read and write the connections (from {@link #newLoops}; not shut down here)
     * @param transport   the one {@code io} was made for
     * @param onEdgeEvent told of each refused connection and missed deadline (for metrics)
     */
    public static HttpEdge start(EdgeSettings settings, Router router, EventLoopGroup io, NettyTransport transport,
                                 Consumer<String> onEdgeEvent) {
        try {
            return new HttpEdge(settings, router, io, transport, onEdgeEvent);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding " + settings.bind() + ":" + settings.port(), e);
        }
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Open connections (for metrics). */
    public int openConnections() {
        return limits.open();
    }

    /** Stops accepting, lets requests in progress finish (up to the drain timeout), then closes every connection. */
    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        try {
            Deadline.in(settings.drainTimeout()).await(() -> router.inFlight() == 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdown();
        channels.close().awaitUninterruptibly(Duration.ofSeconds(5).toMillis());
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workers.shutdownNow();
    }
}
