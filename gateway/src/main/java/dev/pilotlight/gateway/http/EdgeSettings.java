package dev.pilotlight.gateway.http;

import java.time.Duration;

/**
 * The HTTP edge's limits, from the gateway configuration (docs/configuration.md).
 *
 * @param workers threads that run endpoints (each blocks while its model answers)
 * @param headerTimeout time a connection has to send a request's complete headers, from its first byte
 *                      (or from the moment it connected)
 * @param bodyTimeout time to send the whole body once the headers are in
 * @param idleTimeout time a kept-alive connection may wait for its next request
 * @param maxConnectionsPerAddress open connections one client address may hold; more are closed on accept,
 *                                 before a byte is parsed
 */
public record EdgeSettings(String bind, int port, int workers, int maxBodyBytes, int maxHeaderBytes, Duration headerTimeout,
                           Duration bodyTimeout, Duration idleTimeout, int maxConnections, int maxConnectionsPerAddress,
                           Duration drainTimeout) {}
