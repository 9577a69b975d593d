package dev.pilotlight.gateway.provider.netty;

import io.netty.buffer.ByteBuf;

/** What one upstream call is told, on its connection's event loop, in this order: status, pieces, end; or one failure at any point. */
public interface ResponseListener {
    void status(int code);

    /** A piece of the body; valid only during the call. */
    void content(ByteBuf piece);

    void end();

    void failure(Throwable cause);
}
