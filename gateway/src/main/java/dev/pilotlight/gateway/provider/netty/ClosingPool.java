package dev.pilotlight.gateway.provider.netty;

import io.netty.channel.Channel;
import io.netty.channel.pool.ChannelPool;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;

/** Where a connection opened for one request goes when that request is done: closed, never reused. */
final class ClosingPool implements ChannelPool {
    static final ClosingPool INSTANCE = new ClosingPool();

    private ClosingPool() {}

    @Override
    public Future<Channel> acquire() {
        throw new UnsupportedOperationException("a closing pool lends nothing");
    }

    @Override
    public Future<Channel> acquire(Promise<Channel> promise) {
        throw new UnsupportedOperationException("a closing pool lends nothing");
    }

    @Override
    public Future<Void> release(Channel channel) {
        return release(channel, ImmediateEventExecutor.INSTANCE.newPromise());
    }

    @Override
    public Future<Void> release(Channel channel, Promise<Void> promise) {
        channel.close();
        return promise.setSuccess(null);
    }

    @Override
    public void close() {
    }
}
