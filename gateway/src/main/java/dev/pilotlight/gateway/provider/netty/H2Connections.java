package dev.pilotlight.gateway.provider.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * HTTP/2 to one provider origin: each call is a stream, and a connection carries up to
 * {@code streamsPerConnection} of them before another is opened, so 10,000 calls in flight hold
 * 100 sockets to the provider instead of 10,000 (docs/architecture.md, "Gateway threads"). Over
 * https the provider must choose h2 by ALPN; over http it is spoken to with prior knowledge (h2c).
 * A connection the provider sent GOAWAY on, or closed, takes no new streams; the calls on it fail
 * as I/O failures, which the provider's retries cover.
 */
final class H2Connections {
    /** One connection and how many streams it carries now. */
    private static final class Link {
        final Promise<Channel> ready;
        int streams;

        Link(Promise<Channel> ready) {
            this.ready = ready;
        }
    }

    private final Bootstrap bootstrap;
    private final Function<Channel, SslHandler> tls;
    private final int streamsPerConnection;
    private final List<Link> open = new ArrayList<>(); // guarded by this

    /** @param tls the TLS handler for a new connection (offering only h2 by ALPN), or null for h2c */
    H2Connections(Bootstrap bootstrap, Function<Channel, SslHandler> tls, int streamsPerConnection) {
        this.bootstrap = bootstrap;
        this.tls = tls;
        this.streamsPerConnection = streamsPerConnection;
    }

    /** Opens a stream for the call on a connection with room for it and writes the request there. */
    void send(Call call, Supplier<FullHttpRequest> request, Duration idle) {
        Link link = reserve();
        link.ready.addListener(f -> UpstreamHttp.toldOnThrow(call, () -> {
            if (!f.isSuccess()) {
                release(link);
                call.fail(f.cause());
                return;
            }
            Channel connection = (Channel) f.getNow();
            new Http2StreamChannelBootstrap(connection).option(ChannelOption.ALLOCATOR, connection.alloc()).handler(new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel ch) {
                    ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false)).addLast(new Exchange());
                }
            }).open().addListener(opened -> UpstreamHttp.toldOnThrow(call, () -> {
                if (!opened.isSuccess()) {
                    release(link);
                    call.fail(opened.cause());
                    return;
                }
                Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
                stream.closeFuture().addListener(c -> release(link));
                // a stream is used once: its end (or failure) closes it, as a connection of the closing pool
                stream.pipeline().get(Exchange.class).begin(call, ClosingPool.INSTANCE, idle, request.get(), null);
            }));
        }));
    }

    private synchronized Link reserve() {
        for (Link l : open) {
            if (l.streams < streamsPerConnection) {
                l.streams++;
                return l;
            }
        }
        Link l = connect();
        l.streams = 1;
        open.add(l);
        return l;
    }

    private synchronized void release(Link l) {
        l.streams--;
    }

    /** No new streams go to this connection (it is closing, or the provider said GOAWAY). */
    private synchronized void retire(Link l) {
        open.remove(l);
    }

    private Link connect() {
        Link link = new Link(ImmediateEventExecutor.INSTANCE.newPromise());
        ChannelFuture connecting = bootstrap.clone().handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.closeFuture().addListener(c -> {
                    retire(link);
                    link.ready.tryFailure(new IOException("the provider closed the connection before HTTP/2 was ready"));
                });
                if (tls == null) {
                    addHttp2(ch, link); // h2c with prior knowledge: the preface goes as soon as it connects
                } else {
                    ch.pipeline().addLast(tls.apply(ch), alpn(link));
                }
            }
        }).connect();
        connecting.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                link.ready.tryFailure(f.cause());
            } else if (tls == null) {
                link.ready.trySuccess(f.channel());
            }
        });
        return link;
    }

    /** Over TLS the provider chooses: h2, or the connection is useless to this provider's calls. */
    private ApplicationProtocolNegotiationHandler alpn(Link link) {
        return new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    addHttp2(ctx.channel(), link);
                    link.ready.trySuccess(ctx.channel());
                } else {
                    link.ready.tryFailure(new IOException("the provider at " + ctx.channel().remoteAddress() + " did not agree to HTTP/2"
                            + " by ALPN (it chose " + protocol + "): set its http to 1.1 in the catalog"));
                    ctx.close();
                }
            }

            @Override
            protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) throws Exception {
                link.ready.tryFailure(cause);
                super.handshakeFailure(ctx, cause);
            }
        };
    }

    private void addHttp2(Channel ch, Link link) {
        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient()
                        .encoderEnforceMaxConcurrentStreams(true) // a provider allowing fewer streams than ours: the rest wait, not fail
                        .initialSettings(Http2Settings.defaultSettings().pushEnabled(false))
                        .build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()), // no stream opens from the provider's side: push is off
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof Http2GoAwayFrame) {
                            retire(link);
                        }
                        ReferenceCountUtil.release(msg);
                    }
                });
    }
}
