package dev.pilotlight.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {
    private static final String KEY = "config-test-key-config-test-key-0000";

    @Test
    void defaultsRunWithOnlyTheSigningKey() {
        GatewayConfig c = GatewayConfig.from(Map.of("pilotlight.control.key", KEY));
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.controlReplay()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.gatewayId()).startsWith("gw-");
        assertThat(c.feedbackContextCalls()).isEqualTo(200_000);
        assertThat(c.inlineBodyBytes()).isEqualTo(32_768);
        // auto: io_uring where the kernel allows it, else epoll, whose native library must load on the x86-64 Linux
        // machines CI runs on (never NIO there)
        assertThat(c.transport()).isEqualTo(io.netty.channel.uring.IoUring.isAvailable()
                ? dev.pilotlight.gateway.http.NettyTransport.IO_URING : dev.pilotlight.gateway.http.NettyTransport.EPOLL);
        assertThat(GatewayConfig.from(Map.of("pilotlight.control.key", KEY, "pilotlight.gateway.transport", "nio")).transport())
                .isEqualTo(dev.pilotlight.gateway.http.NettyTransport.NIO);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> GatewayConfig.from(Map.of("pilotlight.gateway.port", "eighty",
                "pilotlight.heartbeat.interval", "soon", "pilotlight.colour", "red", "pilotlight.feedback.context-calls", "10",
                "pilotlight.gateway.inline-body-bytes", "-1", "pilotlight.gateway.transport", "kqueue")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pilotlight.gateway.port=eighty is not a whole number")
                .hasMessageContaining("pilotlight.heartbeat.interval: 'soon' is not a duration")
                .hasMessageContaining("pilotlight.control.key is required")
                .hasMessageContaining("unknown setting pilotlight.colour")
                .hasMessageContaining("pilotlight.feedback.context-calls=10 must be between 1000 and 10000000")
                .hasMessageContaining("pilotlight.gateway.inline-body-bytes=-1 must be between 0 and 67108864")
                .hasMessageContaining("pilotlight.gateway.transport=kqueue: must be auto, io_uring, epoll or nio");
    }

    @Test
    void environmentOverridesAndSecretsNeverPrint() {
        GatewayConfig c = GatewayConfig.load(null, Map.of("PILOTLIGHT_CONTROL_KEY", KEY, "PILOTLIGHT_GATEWAY_PORT", "9000"));
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.toString()).doesNotContain(KEY).contains("<hidden>");
    }

    @Test
    void shortSigningKeyIsRefused() {
        assertThatThrownBy(() -> GatewayConfig.from(Map.of("pilotlight.control.key", "short")))
                .hasMessageContaining("pilotlight.control.key is too short");
    }
}
