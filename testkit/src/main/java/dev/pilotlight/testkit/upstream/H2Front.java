package dev.pilotlight.testkit.upstream;

import com.sun.net.httpserver.HttpHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulated upstream's HTTP/2 side, cleartext with prior knowledge (h2c) or over TLS (h2 by
 * ALPN), as a provider that speaks HTTP/2 would be reached: each stream's request goes to the same
 * handlers as the HTTP/1.1 side, on the same executor, through a {@link StreamExchange}.
 */
final class H2Front implements AutoCloseable {
    /** Streams one connection may carry at once: what the gateway's streams-per-connection meets. */
    static final int MAX_STREAMS = 1_000;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sim-upstream-h2", true),
            NioIoHandler.newFactory());
    private final Channel server;
    private final AtomicLong connections = new AtomicLong();
    private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    /** @param tls the server's TLS context, offering h2 by ALPN; null for h2c */
    H2Front(InetAddress bind, Map<String, HttpHandler> contexts, Executor handlers, SslContext tls) {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class).option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        open.add(ch);
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer()
                                        .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(MAX_STREAMS)).build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                    @Override
                                    protected void initChannel(Http2StreamChannel stream) {
                                        stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                                                new HttpObjectAggregator(16 * 1024 * 1024), new Dispatch(contexts, handlers));
                                    }
                                }));
                    }
                })
                .bind(new InetSocketAddress(bind, 0)).syncUninterruptibly().channel();
    }

    /**
     * Says GOAWAY (no error) on every open connection, as a provider about to restart does: the streams already open
     * are still answered, and so are streams the client opened before it read the GOAWAY (a last stream id with
     * room for them, as RFC 9113 section 6.8 advises: Netty's server otherwise fails the whole connection at their
     * DATA); a client must open new ones on another connection. The connections stay open.
     */
    void goAway() {
        for (Channel ch : open) {
            ch.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR).setExtraStreamIds(IN_TRANSIT));
        }
    }

    /** Streams a client may have opened while a GOAWAY was on its way. */
    private static final int IN_TRANSIT = 100;

    long connectionsAccepted() {
        return connections.get();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Hands a whole request to the handler whose path is the longest prefix of its own, as the JDK server does. */
    private static final class Dispatch extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Map<String, HttpHandler> contexts;
        private final Executor handlers;

        Dispatch(Map<String, HttpHandler> contexts, Executor handlers) {
            this.contexts = contexts;
            this.handlers = handlers;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            StreamExchange exchange = new StreamExchange(ctx.channel(), request);
            String path = exchange.getRequestURI().getPath();
            HttpHandler handler = contexts.entrySet().stream().filter(e -> path.startsWith(e.getKey()))
                    .max(Comparator.comparingInt(e -> e.getKey().length())).map(Map.Entry::getValue).orElse(null);
            handlers.execute(() -> {
                try {
                    if (handler == null) {
                        exchange.sendResponseHeaders(404, -1);
                    } else {
                        handler.handle(exchange);
                    }
                } catch (IOException | RuntimeException e) {
                    exchange.close();
                }
            });
        }
    }

    @Override
    public void close() {
        if (group.isShuttingDown()) {
            return;
        }
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
