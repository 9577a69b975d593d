package dev.pilotlight.gateway.provider.netty;

/**
 * How a provider is spoken to: HTTP/1.1 on pooled keep-alive connections (one socket per call in
 * flight), or HTTP/2 with each call a stream, up to {@code streamsPerConnection} on one connection
 * (docs/configuration.md, a provider's {@code http}).
 */
public record UpstreamProtocol(boolean http2, int streamsPerConnection) {
    public static final UpstreamProtocol HTTP_1_1 = new UpstreamProtocol(false, 1);

    public UpstreamProtocol {
        if (streamsPerConnection < 1) {
            throw new IllegalArgumentException("streams per connection must be at least 1, not " + streamsPerConnection);
        }
    }

    public static UpstreamProtocol http2(int streamsPerConnection) {
        return new UpstreamProtocol(true, streamsPerConnection);
    }

    @Override
    public String toString() {
        return http2 ? "HTTP/2 (" + streamsPerConnection + " streams per connection)" : "HTTP/1.1";
    }
}
