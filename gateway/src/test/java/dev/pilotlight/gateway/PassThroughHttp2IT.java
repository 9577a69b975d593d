package dev.pilotlight.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Every case of {@link PassThroughIT} again, with the OpenAI-format provider reached over HTTP/2
 * (the catalog's {@code http: 2}; the simulated upstream's h2c side): no field, stream piece, tool
 * call or embedding is lost or changed by the other protocol.
 */
class PassThroughHttp2IT extends PassThroughIT {
    @Override
    boolean http2() {
        return true;
    }

    @Test
    void theCallsWentOverHttp2() {
        assertThat(fx.upstream.h2cConnections()).isPositive();
    }
}
