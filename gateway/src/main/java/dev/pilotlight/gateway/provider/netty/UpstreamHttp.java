package dev.pilotlight.gateway.provider.netty;

import dev.pilotlight.gateway.http.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.AbstractChannelPoolMap;
import io.netty.channel.pool.ChannelPool;
import io.netty.channel.pool.SimpleChannelPool;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.EventExecutor;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * HTTP to the providers without a thread per call: a few event-loop threads write each request
 * and hand the answer's pieces to a listener as they arrive, so a call waiting for its model holds
 * a socket (HTTP/1.1) or a stream (HTTP/2), not a thread (docs/architecture.md, "Gateway threads").
 * HTTP/1.1: pools of keep-alive connections per provider origin, health-checked on acquire;
 * HTTP/2: {@link H2Connections} per origin. https origins over TLS. Given the server's event loops,
 * a call begun on one of them is written, answered and handed back on that same loop: each loop has
 * its own connections to each origin, so no thread hand-off lies between the caller's request, its
 * provider call and its response (docs/architecture.md, "Gateway threads").
 */
public final class UpstreamHttp implements AutoCloseable {
    /** Where connections go: https ones get TLS (the JDK's trust store, host name verified). */
    record Origin(boolean tls, String host, int port) {
        static Origin of(URI uri) {
            boolean tls = "https".equalsIgnoreCase(uri.getScheme());
            return new Origin(tls, uri.getHost(), uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80);
        }
    }

    /** One event loop's connections to one origin. */
    private record Lane(Origin origin, EventLoop loop) {}

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final List<EventLoop> loops = new ArrayList<>();
    private final AbstractChannelPoolMap<Lane, SimpleChannelPool> pools;
    private final SslContext tls;
    private final SslContext tlsH2;
    private final Bootstrap bootstrap;
    private final Map<H2Origin, H2Connections> h2 = new ConcurrentHashMap<>();
    /** A connection outside the pool, for a request resent after a stale pooled one; closed when its answer is complete. */
    private final BiFunction<Origin, EventLoop, Bootstrap> fresh;

    /** Where HTTP/2 connections go: the origin, how many streams each carries, and the event loop they are served on. */
    private record H2Origin(Origin origin, int streams, EventLoop loop) {}

    /** With event loops of its own ({@code threads} of them), closed with it. */
    public UpstreamHttp(int threads) {
        this(threads, SslContextBuilder.forClient());
    }

    /** @param tls how https providers are reached (tests pass one that trusts their own certificate) */
    public UpstreamHttp(int threads, SslContextBuilder tls) {
        this(NettyTransport.best().newLoops(threads, "upstream-io"), NettyTransport.best(), true, tls);
    }

    /**
     * On the server's event loops (not closed with it): a call begun on one of them stays on it.
     *
     * @param loops     the loops the gateway's HTTP server reads its requests on
     * @param transport the one they were made for
     */
    public static UpstreamHttp onLoops(EventLoopGroup loops, NettyTransport transport) {
        return new UpstreamHttp(loops, transport, false, SslContextBuilder.forClient());
    }

    private UpstreamHttp(EventLoopGroup group, NettyTransport transport, boolean ownsGroup, SslContextBuilder tls) {
        try {
            this.tls = tls.build();
            this.tlsH2 = tls.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2)).build();
        } catch (SSLException e) {
            throw new IllegalStateException("no TLS client context", e);
        }
        this.group = group;
        this.ownsGroup = ownsGroup;
        for (EventExecutor e : group) {
            loops.add((EventLoop) e);
        }
        bootstrap = new Bootstrap().group(group).channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT); // as the server's: docs/benchmarks.md, session 15
        pools = new AbstractChannelPoolMap<>() {
            @Override
            protected SimpleChannelPool newPool(Lane lane) {
                Origin origin = lane.origin();
                return new SimpleChannelPool(bootstrap.clone(lane.loop()).remoteAddress(origin.host(), origin.port()),
                        new AbstractChannelPoolHandler() {
                            @Override
                            public void channelCreated(Channel ch) {
                                initChannel(origin, ch);
                            }
                        });
            }
        };
        fresh = (origin, loop) -> bootstrap.clone(loop).remoteAddress(origin.host(), origin.port()).handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                UpstreamHttp.this.initChannel(origin, ch);
            }
        });
    }

    private void initChannel(Origin origin, Channel ch) {
        if (origin.tls()) {
            ch.pipeline().addLast("tls", tlsHandler(tls, origin, ch));
        }
        ch.pipeline().addLast("codec", new HttpClientCodec()).addLast("exchange", new Exchange());
    }

    private static SslHandler tlsHandler(SslContext context, Origin origin, Channel ch) {
        SslHandler ssl = context.newHandler(ch.alloc(), origin.host(), origin.port());
        SSLParameters params = ssl.engine().getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the provider's host
        ssl.engine().setSSLParameters(params);
        return ssl;
    }

    /**
     * Sends a POST; the listener is told the status, each piece of the body, and the end (or one failure).
     *
     * @param idle the longest silence allowed while waiting for the answer or between its pieces
     * @return a handle that abandons the call (closing its connection)
     */
    public Call post(URI uri, Map<String, String> headers, byte[] body, Duration idle, ResponseListener listener) {
        return post(uri, UpstreamProtocol.HTTP_1_1, headers, body, idle, listener);
    }

    /** As {@link #post(URI, Map, byte[], Duration, ResponseListener)}, in the provider's protocol. */
    public Call post(URI uri, UpstreamProtocol protocol, Map<String, String> headers, byte[] body, Duration idle, ResponseListener listener) {
        Call call = new Call(listener);
        Origin origin = Origin.of(uri);
        EventLoop loop = callersLoop();
        Supplier<FullHttpRequest> request = () -> request(uri, headers, body);
        if (protocol.http2()) {
            h2.computeIfAbsent(new H2Origin(origin, protocol.streamsPerConnection(), loop), o -> new H2Connections(
                    bootstrap.clone(loop).remoteAddress(origin.host(), origin.port()),
                    origin.tls() ? ch -> tlsHandler(tlsH2, origin, ch) : null, o.streams())).send(call, request, idle);
        } else {
            send(new Lane(origin, loop), call, request, idle);
        }
        return call;
    }

    /** The loop the caller runs on, when it is one of ours; any of them otherwise (a worker thread, the retry timer). */
    private EventLoop callersLoop() {
        for (EventLoop l : loops) {
            if (l.inEventLoop()) {
                return l;
            }
        }
        return group.next();
    }

    /**
     * Writes the request on a pooled connection. A kept-alive connection the provider had already
     * closed (it fails before any answer arrives) is not the provider's failure: the request goes once
     * more, on a connection opened for it (the pool may hold more the provider closed at the same time,
     * as a server that caps its idle connections does), as HTTP clients do for stale connections.
     */
    private void send(Lane lane, Call call, Supplier<FullHttpRequest> request, Duration idle) {
        ChannelPool pool = pools.get(lane);
        pool.acquire().addListener(f -> toldOnThrow(call, () -> {
            if (!f.isSuccess()) {
                call.fail(f.cause());
                return;
            }
            Channel ch = (Channel) f.getNow();
            Exchange exchange = ch.pipeline().get(Exchange.class);
            if (exchange == null) { // closed since the pool's health check (its handlers are gone): stale, not the provider's failure
                pool.release(ch);
                sendOnNewConnection(lane, call, request, idle);
                return;
            }
            exchange.begin(call, pool, idle, request.get(), () -> sendOnNewConnection(lane, call, request, idle));
        }));
    }

    private void sendOnNewConnection(Lane lane, Call call, Supplier<FullHttpRequest> request, Duration idle) {
        fresh.apply(lane.origin(), lane.loop()).connect().addListener((ChannelFuture f) -> toldOnThrow(call, () -> {
            if (!f.isSuccess()) {
                call.fail(f.cause());
                return;
            }
            Exchange exchange = f.channel().pipeline().get(Exchange.class);
            if (exchange == null) {
                call.fail(new IOException("the provider closed a new connection at once"));
                return;
            }
            exchange.begin(call, ClosingPool.INSTANCE, idle, request.get(), null);
        }));
    }

    /**
     * Runs a connection listener's work; what it throws fails the call. Netty only logs what a listener
     * throws, so without this a call would never be told its outcome and its caller would wait forever.
     */
    static void toldOnThrow(Call call, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            call.fail(e);
        }
    }

    private static FullHttpRequest request(URI uri, Map<String, String> headers, byte[] body) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path(uri), Unpooled.wrappedBuffer(body));
        request.headers().set(HttpHeaderNames.HOST, uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : ""))
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        headers.forEach(request.headers()::set);
        return request;
    }

    private static String path(URI uri) {
        return (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    @Override
    public void close() {
        pools.close();
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }
}
