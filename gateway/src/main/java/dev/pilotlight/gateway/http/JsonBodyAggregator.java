package dev.pilotlight.gateway.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

/** Netty's aggregator, but a body over the limit is refused with an OpenAI-style JSON 413 naming the limit. */
final class JsonBodyAggregator extends HttpObjectAggregator {
    JsonBodyAggregator(int maxBodyBytes) {
        super(maxBodyBytes, true);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        EdgeErrors.sendAndClose(ctx.channel(), new ApiError(413, "invalid_request_error", "request_too_large", null,
                "request body is larger than " + maxContentLength() + " bytes"));
    }
}
