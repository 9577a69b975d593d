package dev.pilotlight.testkit.upstream;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * One HTTP/2 stream seen as a JDK {@link HttpExchange}, so the simulated upstream's handlers answer
 * h2c exactly as they answer HTTP/1.1. The request arrives whole; the answer is written to the
 * stream as the handler writes it (a length of 0 streams it, as the JDK server does).
 */
final class StreamExchange extends HttpExchange {
    private final Channel stream;
    private final String method;
    private final URI uri;
    private final Headers requestHeaders = new Headers();
    private final Headers responseHeaders = new Headers();
    private final byte[] body;
    private final Map<String, Object> attributes = new HashMap<>();
    private int status = -1;
    private boolean ended;

    StreamExchange(Channel stream, FullHttpRequest request) {
        this.stream = stream;
        this.method = request.method().name();
        this.uri = URI.create(request.uri());
        request.headers().forEach(h -> requestHeaders.add(h.getKey(), h.getValue()));
        this.body = new byte[request.content().readableBytes()];
        request.content().getBytes(request.content().readerIndex(), body);
    }

    private final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len > 0) {
                stream.write(new DefaultHttpContent(Unpooled.copiedBuffer(b, off, len)));
            }
        }

        @Override
        public void flush() {
            stream.flush();
        }

        @Override
        public void close() {
            StreamExchange.this.close();
        }
    };

    @Override
    public void sendResponseHeaders(int code, long length) throws IOException {
        if (status >= 0) {
            throw new IOException("headers already sent");
        }
        status = code;
        HttpResponse head = length < 0
                ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code))
                : new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code));
        responseHeaders.forEach((name, values) -> head.headers().add(name, values));
        if (length > 0) {
            head.headers().setInt("content-length", (int) length);
        }
        ended = length < 0; // no body: the headers end the stream
        stream.writeAndFlush(head);
    }

    @Override
    public void close() {
        if (status < 0) {
            status = 500;
            ended = true;
            stream.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.INTERNAL_SERVER_ERROR));
        }
        if (!ended) {
            ended = true;
            stream.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return uri;
    }

    @Override
    public String getRequestMethod() {
        return method;
    }

    @Override
    public HttpContext getHttpContext() {
        return null;
    }

    @Override
    public InputStream getRequestBody() {
        return new ByteArrayInputStream(body);
    }

    @Override
    public OutputStream getResponseBody() {
        return out;
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return (InetSocketAddress) stream.parent().remoteAddress();
    }

    @Override
    public int getResponseCode() {
        return status;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return (InetSocketAddress) stream.parent().localAddress();
    }

    @Override
    public String getProtocol() {
        return "HTTP/2.0";
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        throw new UnsupportedOperationException("an HTTP/2 stream's body streams are its own");
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return null;
    }
}
