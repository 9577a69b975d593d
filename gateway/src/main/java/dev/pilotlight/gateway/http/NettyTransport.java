package dev.pilotlight.gateway.http;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;

/**
 * Which of Netty's transports the gateway's sockets use, the server's and the providers' alike (a call
 * stays on the event loop that read it, so both sides need the same kind): Linux's io_uring or epoll
 * through Netty's native libraries, or the JDK's NIO selector (docs/configuration.md,
 * {@code pilotlight.gateway.transport}; measured side by side in docs/benchmarks.md, session 16).
 */
public enum NettyTransport {
    IO_URING, EPOLL, NIO;

    /**
     * @param choice {@code auto} (io_uring where the kernel allows it, else epoll where its native library loads, else
     *               NIO), {@code io_uring}, {@code epoll} or {@code nio}
     * @throws IllegalArgumentException for another word, or a native one that cannot load here (with Netty's reason)
     */
    public static NettyTransport choose(String choice) {
        switch (choice.toLowerCase(Locale.ROOT)) {
            case "auto":
                return IoUring.isAvailable() ? IO_URING : Epoll.isAvailable() ? EPOLL : NIO;
            case "nio":
                return NIO;
            case "io_uring":
                if (!IoUring.isAvailable()) {
                    throw new IllegalArgumentException("io_uring is not available here: " + IoUring.unavailabilityCause());
                }
                return IO_URING;
            case "epoll":
                if (!Epoll.isAvailable()) {
                    throw new IllegalArgumentException("epoll is not available here: " + Epoll.unavailabilityCause());
                }
                return EPOLL;
            default:
                throw new IllegalArgumentException("must be auto, io_uring, epoll or nio");
        }
    }

    /** The best one here: what {@code auto} chooses. */
    public static NettyTransport best() {
        return choose("auto");
    }

    public IoHandlerFactory ioHandlers() {
        return switch (this) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    /** {@code threads} event loops of this transport, daemon threads named {@code name-…}. */
    public EventLoopGroup newLoops(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), ioHandlers());
    }

    public Class<? extends ServerChannel> serverChannel() {
        return switch (this) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    public Class<? extends SocketChannel> socketChannel() {
        return switch (this) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }
}
