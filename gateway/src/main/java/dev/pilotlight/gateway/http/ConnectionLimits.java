package dev.pilotlight.gateway.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Counts open connections in all and per client address and closes a new one over either limit as
 * soon as it is accepted, before any byte of it is parsed: a thousand half-open connections from
 * one address cannot take the threads or sockets that other callers need.
 */
@ChannelHandler.Sharable
final class ConnectionLimits extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf("pilotlight.counted-address");

    private final int maxTotal;
    private final int maxPerAddress;
    private final Consumer<String> onRefused;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    ConnectionLimits(int maxTotal, int maxPerAddress, Consumer<String> onRefused) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
        this.onRefused = onRefused;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress address = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        AtomicInteger mine = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
        int t = total.incrementAndGet();
        int a = mine.incrementAndGet();
        ctx.channel().attr(COUNTED).set(address);
        if (t > maxTotal || a > maxPerAddress) {
            onRefused.accept(t > maxTotal ? "connection_limit_total" : "connection_limit_address");
            ctx.close();
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        InetAddress address = ctx.channel().attr(COUNTED).getAndSet(null);
        if (address != null) {
            total.decrementAndGet();
            perAddress.computeIfPresent(address, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
        super.channelInactive(ctx);
    }

    int open() {
        return total.get();
    }
}
