package dev.pilotlight.gateway.provider.netty;

import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicBoolean;

/** One upstream call in flight: told its outcome once, and abandoned by closing its connection. */
public final class Call {
    private final ResponseListener listener;
    private final AtomicBoolean over = new AtomicBoolean();
    private volatile Channel channel;
    private volatile boolean abandoned;

    Call(ResponseListener listener) {
        this.listener = listener;
    }

    ResponseListener listener() {
        return listener;
    }

    void on(Channel ch) {
        channel = ch;
        if (abandoned) {
            ch.close();
        }
    }

    /** True once: the call's outcome (end or failure) is being told now. */
    boolean finish() {
        return over.compareAndSet(false, true);
    }

    void fail(Throwable cause) {
        if (finish()) {
            listener.failure(cause);
        }
    }

    boolean abandoned() {
        return abandoned;
    }

    /** The caller left: stop reading (and paying for) the answer. */
    public void abandon() {
        abandoned = true;
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }
}
