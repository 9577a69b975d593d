package dev.pilotlight.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.common.Deadline;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.http.GatewayClient;
import dev.pilotlight.testkit.http.RawHttp;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP edge as an attacker meets it (docs/security.md, "HTTP edge"): half-open connections,
 * bad escapes, bad bytes, wrong types, huge values. Every answer is OpenAI-shaped JSON.
 */
class HttpEdgeIT {
    private static final String USER = DemoKeys.USERS.get(0);
    private static GatewayFixture fx;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        fx = new GatewayFixture("gw-edge-test", Map.of(
                "pilotlight.gateway.max-connections-per-address", "64",
                "pilotlight.gateway.header-timeout", "1s",
                "pilotlight.gateway.body-timeout", "1s",
                "pilotlight.limits.ip-per-minute", "100000"));
        port = URI.create(fx.gateway.baseUrl()).getPort();
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private static void assertJsonError(RawHttp.Response r, int status, String code) {
        assertThat(r.status()).as(r.head() + r.text()).isEqualTo(status);
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        JsonNode e = r.json().path("error");
        assertThat(e.path("code").asText()).isEqualTo(code);
        assertThat(e.path("message").asText()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aThousandHalfOpenConnectionsFromOneAddressNeitherFreezeTheGatewayNorOutliveTheHeaderTimeout() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                Socket s = RawHttp.connect(port, "127.0.0.1");
                s.setSoTimeout(3000);
                RawHttp.send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nX-Slow: "); // never finished
                slow.add(s);
            }
            // another caller is served at once
            try (Socket other = RawHttp.connect(port, "127.0.0.2")) {
                RawHttp.send(other, new String(RawHttp.get("/v1/models", USER), StandardCharsets.ISO_8859_1));
                assertThat(RawHttp.read(other.getInputStream()).status()).isEqualTo(200);
            }
            // past the per-address limit (64) connections were closed on accept; the rest when their headers were late
            int closed = 0;
            for (Socket s : slow) {
                closed += RawHttp.closedByServer(s) ? 1 : 0;
            }
            assertThat(closed).isEqualTo(1000);
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
        String metrics = fx.client.get("/metrics", DemoKeys.METRICS).raw();
        assertThat(metrics).contains("pilotlight_gateway_http_edge_total{event=\"connection_limit_address\"} 936.0")
                .contains("pilotlight_gateway_http_edge_total{event=\"header_timeout\"} 64.0");
    }

    @Test
    void aBodyThatStopsHalfWayGets408() throws Exception {
        try (Socket s = RawHttp.connect(port, "127.0.0.3")) {
            RawHttp.send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + USER
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":");
            assertJsonError(RawHttp.read(s.getInputStream()), 408, "request_timeout");
        }
    }

    @Test
    void pathsAreDecodedOnceAndABadEscapeIsAJsonErrorAfterAuthentication() throws Exception {
        // %25zz decodes once to "%zz": an unknown route, not a 500
        assertJsonError(RawHttp.exchange(port, RawHttp.post("/v1/routes/%25zz/invoke", null, "{}".getBytes())), 401, "invalid_api_key");
        assertJsonError(RawHttp.exchange(port, RawHttp.post("/v1/routes/%25zz/invoke", USER, "{\"input\":\"x\"}".getBytes())),
                404, "route_not_found");
        assertJsonError(RawHttp.exchange(port, RawHttp.post("/v1/routes/%zz/invoke", null, "{}".getBytes())), 401, "invalid_api_key");
        assertJsonError(RawHttp.exchange(port, RawHttp.post("/v1/routes/%zz/invoke", USER, "{}".getBytes())), 400, "invalid_path");
        assertJsonError(RawHttp.exchange(port, RawHttp.post("/v1/routes/%C0%AF/invoke", USER, "{}".getBytes())), 400, "invalid_path");
        assertJsonError(RawHttp.exchange(port, "GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)),
                400, "malformed_request");
        assertJsonError(RawHttp.exchange(port, ("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(20_000) + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1)), 431, "headers_too_large");
        assertJsonError(RawHttp.exchange(port, ("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1)), 414, "uri_too_long");
    }

    @Test
    void typesAreStrictNeverCoerced() throws Exception {
        String msg = "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";
        assertJsonError(chat("{\"model\":\"claims-letter\",\"n\":1.9," + msg + "}"), 400, "invalid_type");
        assertJsonError(chat("{\"model\":\"claims-letter\",\"stream\":\"yes\"," + msg + "}"), 400, "invalid_type");
        assertJsonError(chat("{\"model\":\"claims-letter\",\"max_tokens\":\"12\"," + msg + "}"), 400, "invalid_type");
        assertJsonError(chat("{\"model\":\"claims-letter\",\"temperature\":\"hot\"," + msg + "}"), 400, "invalid_type");
        assertJsonError(chat("{\"model\":\"claims-letter\",\"stream_options\":{\"include_usage\":1}," + msg + "}"), 400, "invalid_type");
        assertJsonError(chat("{\"model\":7," + msg + "}"), 400, "invalid_type");
        // an admin split of "abc" once became 0.1 and put the candidate live
        RawHttp.Response split = RawHttp.exchange(port, RawHttp.post("/admin/releases/claims-letter", DemoKeys.ADMIN,
                "{\"candidate\":\"1.1.0\",\"split\":\"abc\"}".getBytes()));
        assertJsonError(split, 400, "invalid_type");
        assertThat(fx.gateway.releases().current("claims-letter").orElseThrow().candidateVersion()).isNull();
    }

    @Test
    void bodiesMustBeValidUtf8AndWithinTheParserLimits() throws Exception {
        byte[] overlong = "{\"model\":\"claims-letter\",\"messages\":[{\"role\":\"user\",\"content\":\"\u0000\"}]}".getBytes(StandardCharsets.UTF_8);
        byte[] bad = new byte[overlong.length + 1];
        int at = new String(overlong, StandardCharsets.UTF_8).indexOf('\u0000');
        System.arraycopy(overlong, 0, bad, 0, at);
        bad[at] = (byte) 0xC0; // overlong encoding of '/'
        bad[at + 1] = (byte) 0xAF;
        System.arraycopy(overlong, at + 1, bad, at + 2, overlong.length - at - 1);
        RawHttp.Response r = RawHttp.exchange(port, RawHttp.post("/v1/chat/completions", USER, bad));
        assertJsonError(r, 400, "invalid_value");
        assertThat(r.json().path("error").path("message").asText()).contains("not valid UTF-8");

        RawHttp.Response deep = chat("[".repeat(1000) + "]".repeat(1000));
        assertJsonError(deep, 400, "invalid_value");
        assertThat(deep.json().path("error").path("message").asText()).contains("deeper than 64 levels");
        RawHttp.Response number = chat("{\"model\":\"claims-letter\",\"max_tokens\":" + "9".repeat(500) + "}");
        assertThat(number.json().path("error").path("message").asText()).contains("longer than 64 characters");
        RawHttp.Response twice = chat("{\"model\":\"claims-letter\",\"model\":\"sim-model\"}");
        assertThat(twice.json().path("error").path("message").asText()).contains("duplicate key");
    }

    @Test
    void aHugeModelNameIsNotEchoedBack() throws Exception {
        RawHttp.Response r = chat("{\"model\":\"" + "m".repeat(900_000) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().length).isLessThan(400);
        GatewayClient.Response unknown = fx.client.post("/v1/chat/completions", USER,
                "{\"model\":\"" + "q".repeat(200) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().path("error").path("message").asText()).hasSizeLessThan(160).contains("(200 characters)");
    }

    @Test
    void theConnectionStaysUsableAfterAnErrorAndAfterKeepAlive() throws Exception {
        try (Socket s = RawHttp.connect(port, "127.0.0.4")) {
            for (int i = 0; i < 3; i++) {
                RawHttp.send(s, "GET /v1/models HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + USER + "\r\n\r\n");
                assertThat(RawHttp.read(s.getInputStream()).status()).isEqualTo(200);
            }
        }
        assertThat(Deadline.in(Duration.ofSeconds(5)).await(() -> fx.gateway.isReady())).isTrue();
    }

    private static RawHttp.Response chat(String body) throws Exception {
        return RawHttp.exchange(port, RawHttp.post("/v1/chat/completions", USER, body.getBytes(StandardCharsets.UTF_8)));
    }
}
