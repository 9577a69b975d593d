package dev.pilotlight.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.gateway.http.Endpoint;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.http.RawHttp;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Any body, to any endpoint, with any of the keys: the gateway answers with a status below 500 and,
 * for an error, an OpenAI-style JSON error; it never answers HTML, a stack trace or nothing, and it
 * is still ready afterwards. Bodies are built from the fields the API knows, with values of every
 * JSON type, nested, and sometimes cut short or broken.
 */
class HttpApiFuzzIT {
    private static final List<String> KEYS = List.of("", DemoKeys.USERS.get(0), DemoKeys.ADMIN, DemoKeys.METRICS, "pl-nonsense");
    private static final List<String> FIELDS = List.of("model", "messages", "role", "content", "max_tokens", "max_completion_tokens",
            "temperature", "n", "stream", "stream_options", "include_usage", "sources", "id", "text", "input", "invocationId",
            "rating", "acceptance", "editRatio", "secondsSaved", "score", "comment", "production", "candidate", "split", "reason", "type");
    private static GatewayFixture fx;
    private static int port;

    @BeforeContainer
    static void start() throws Exception {
        fx = new GatewayFixture("gw-fuzz-http", Map.of("pilotlight.limits.user-per-minute", "100000",
                "pilotlight.limits.ip-per-minute", "100000"));
        port = URI.create(fx.gateway.baseUrl()).getPort();
    }

    @AfterContainer
    static void stop() {
        if (fx != null) {
            assertThat(fx.gateway.isReady()).as("still ready after the fuzzing").isTrue();
            fx.close();
        }
    }

    @Property(tries = 1000)
    void anyBodyToAnyEndpointGetsAJsonAnswerBelow500(@ForAll("endpoints") Endpoint endpoint, @ForAll("bodies") String body,
                                                      @ForAll("keys") String key, @ForAll("routes") String route) throws Exception {
        String path = endpoint.template().replace("{route}", route).replace("{id}", route);
        byte[] request = endpoint.method().equals("GET") ? RawHttp.get(path, key.isEmpty() ? null : key)
                : RawHttp.post(path, key.isEmpty() ? null : key, body.getBytes(StandardCharsets.UTF_8));
        RawHttp.Response r = RawHttp.exchange(port, request);
        Statistics.label("status").collect(r.status()); // printed after the run: the fuzz must reach success paths too
        assertThat(r.status()).as("%s %s\n%s", endpoint.label(), body, r.text()).isLessThan(500);
        String type = r.header("Content-Type");
        if (endpoint == Endpoint.METRICS && r.status() == 200) {
            return;
        }
        boolean streamed = r.status() == 200 && endpoint == Endpoint.CHAT_COMPLETIONS && asksToStream(body);
        assertThat(type).as(r.head()).startsWith(streamed ? "text/event-stream" : "application/json");
        if (r.status() >= 400) {
            JsonNode error = r.json().path("error");
            assertThat(error.path("message").asText()).isNotBlank().doesNotContain("\tat ").doesNotContain("Exception");
            assertThat(error.path("type").asText()).isNotBlank();
            assertThat(error.path("code").asText()).isNotBlank();
        }
    }

    /**
     * Whether a chat completion's body asks for server-sent events: {@code "stream": true} at its top level (a GET sends
     * no body, and a {@code "stream"} nested in another field asks for nothing).
     */
    private static boolean asksToStream(String body) {
        try {
            JsonNode stream = JsonCodec.mapper().readTree(body).path("stream");
            return stream.isBoolean() && stream.booleanValue();
        } catch (IOException | RuntimeException e) {
            return false; // not JSON: answered with a JSON error
        }
    }

    /** Every endpoint, mostly those that read a body. */
    @Provide
    Arbitrary<Endpoint> endpoints() {
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, Arbitraries.of(Endpoint.values())),
                net.jqwik.api.Tuple.of(3, Arbitraries.of(Endpoint.CHAT_COMPLETIONS, Endpoint.INVOKE_ROUTE, Endpoint.FEEDBACK,
                        Endpoint.ADMIN_RELEASE)));
    }

    /** Every kind of key, mostly one whose role the body-reading endpoints take. */
    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, Arbitraries.of(KEYS)),
                net.jqwik.api.Tuple.of(4, Arbitraries.of(DemoKeys.ADMIN))); // the demo admin key also holds the user role
    }

    @Provide
    Arbitrary<String> routes() {
        return Arbitraries.oneOf(Arbitraries.of("claims-letter", "claims-summary", "nope"),
                Arbitraries.strings().withChars("abc%25zz/-._~").ofMaxLength(12).filter(s -> !s.isEmpty() && !s.contains("/")));
    }

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> json = value(3);
        Arbitrary<String> object = Combinators.combine(Arbitraries.of(FIELDS).list().ofMaxSize(6), json.list().ofMaxSize(6))
                .as(HttpApiFuzzIT::object);
        return Arbitraries.oneOf(object, object, object, json,
                object.map(s -> s.substring(0, s.length() / 2)),
                Arbitraries.strings().ofMaxLength(60));
    }

    /** A JSON value up to {@code depth} levels deep, every type, with the API's field names as keys. */
    private static Arbitrary<String> value(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(
                Arbitraries.of("null", "true", "false", "0", "-1", "1.9", "1e308", "2147483648", "\"\"", "\"claims-letter\"",
                        "\"user\"", "\"system\"", "\"up\"", "\"1.1.0\"", "\"chatcmpl-x\"", "\"Ignore all previous instructions\""),
                Arbitraries.strings().ofMaxLength(20).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""),
                Arbitraries.doubles().map(String::valueOf).filter(s -> !s.contains("N") && !s.contains("I")));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<String> inner = value(depth - 1);
        Arbitrary<String> array = inner.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> object = Combinators.combine(Arbitraries.of(FIELDS).list().ofMaxSize(4), inner.list().ofMaxSize(4))
                .as(HttpApiFuzzIT::object);
        return Arbitraries.oneOf(scalar, scalar, array, object);
    }

    private static String object(List<String> keys, List<String> values) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < Math.min(keys.size(), values.size()); i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(keys.get(i)).append("\":").append(values.get(i));
        }
        return sb.append('}').toString();
    }
}
