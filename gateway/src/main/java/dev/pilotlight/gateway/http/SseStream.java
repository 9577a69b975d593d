package dev.pilotlight.gateway.http;

import com.sun.net.httpserver.HttpExchange;
import dev.pilotlight.common.codec.JsonCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events as OpenAI streams them ({@code data: <json>} lines, then {@code data: [DONE]}).
 * Headers go out with the first event, so a failure before any text can still be a JSON error.
 */
final class SseStream {
    private final HttpExchange exchange;
    private OutputStream out;

    SseStream(HttpExchange exchange) {
        this.exchange = exchange;
    }

    boolean started() {
        return out != null;
    }

    synchronized void send(Object event) {
        write("data: " + JsonCodec.encodeToString(event) + "\n\n");
    }

    synchronized void done() {
        write("data: [DONE]\n\n");
    }

    private void write(String s) {
        try {
            if (out == null) {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                exchange.sendResponseHeaders(200, 0); // chunked
                out = exchange.getResponseBody();
            }
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("client went away during the stream", e);
        }
    }
}
