package dev.pilotlight.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.gateway.catalog.ProviderSpec;
import dev.pilotlight.gateway.provider.ChatCall;
import dev.pilotlight.gateway.provider.ChatResult;
import dev.pilotlight.gateway.provider.ChatTurn;
import dev.pilotlight.gateway.provider.ClientCancelled;
import dev.pilotlight.gateway.provider.OpenAiWireClient;
import dev.pilotlight.gateway.provider.netty.UpstreamHttp;
import dev.pilotlight.gateway.provider.netty.UpstreamProtocol;
import dev.pilotlight.testkit.upstream.FaultProfile;
import dev.pilotlight.testkit.upstream.SimulatedUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A provider reached over HTTP/2 (h2c, the simulated upstream's HTTP/2 side): calls are streams on
 * a few connections, as many per connection as the provider's {@code streams-per-connection}, and
 * answers, streamed answers and a stream the caller abandoned behave as over HTTP/1.1.
 */
class UpstreamHttp2IT {
    private static final ChatCall HELLO = new ChatCall("sim-model", "1.0.0", List.of(new ChatTurn(ChatTurn.Role.USER, "hello")),
            null, null, null);

    private static OpenAiWireClient client(SimulatedUpstream up, UpstreamHttp http, int streams) {
        return new OpenAiWireClient(new ProviderSpec("h2", ProviderSpec.Kind.OPENAI, up.h2cBaseUrl(), "k", Duration.ofSeconds(10), 1,
                50, 20, Duration.ofSeconds(10), UpstreamProtocol.http2(streams)), http);
    }

    @Test
    void callsInFlightShareConnectionsUpToTheStreamsEachMayCarry() throws Exception {
        try (SimulatedUpstream up = SimulatedUpstream.start(5L); UpstreamHttp http = new UpstreamHttp(2)) {
            up.setDefault(new FaultProfile(0, 500, 800, 0, 20)); // each answer takes 0.8 s: all 100 calls are in flight at once
            OpenAiWireClient client = client(up, http, 10);
            List<CompletableFuture<ChatResult>> calls = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                calls.add(client.call(HELLO, null));
            }
            for (CompletableFuture<ChatResult> c : calls) {
                assertThat(c.get(20, TimeUnit.SECONDS).text()).startsWith("Simulated answer");
            }
            assertThat(up.calls()).isEqualTo(100);
            assertThat(up.h2cConnections()).isEqualTo(10); // 100 calls, 10 streams each: over HTTP/1.1 this is 100

            // the streams have ended: the next calls reuse those connections
            for (int i = 0; i < 5; i++) {
                assertThat(client.call(HELLO, null).get(10, TimeUnit.SECONDS).outputTokens()).isEqualTo(20);
            }
            assertThat(up.h2cConnections()).isEqualTo(10);
        }
    }

    @Test
    void streamedAnswersArriveInPiecesOverAStream() throws Exception {
        try (SimulatedUpstream up = SimulatedUpstream.start(6L); UpstreamHttp http = new UpstreamHttp(1)) {
            up.setDefault(new FaultProfile(0, 500, 0, 0, 7));
            List<String> pieces = new CopyOnWriteArrayList<>();
            ChatResult r = client(up, http, 100).call(HELLO, d -> pieces.add(d.text())).get(10, TimeUnit.SECONDS);
            assertThat(pieces.size()).isGreaterThan(1);
            assertThat(String.join("", pieces)).isEqualTo(r.text()).startsWith("Simulated answer");
            assertThat(r.outputTokens()).isEqualTo(7);
        }
    }

    @Test
    void embeddingsGoOverHttp2Too() throws Exception {
        try (SimulatedUpstream up = SimulatedUpstream.start(7L); UpstreamHttp http = new UpstreamHttp(1)) {
            var answer = client(up, http, 100).embed("sim-embedding", JsonCodec.mapper().createObjectNode().put("input", "claim letter"))
                    .get(10, TimeUnit.SECONDS);
            assertThat(answer.path("data").path(0).path("embedding").size()).isPositive();
            assertThat(up.h2cConnections()).isEqualTo(1);
        }
    }

    @Test
    void aStreamTheCallerLeftIsResetAndItsPlaceTakenByTheNextCall() throws Exception {
        try (SimulatedUpstream up = SimulatedUpstream.start(8L); UpstreamHttp http = new UpstreamHttp(1)) {
            up.setModelProfile("slow", new FaultProfile(0, 500, 0, 0, 5).withChunkDelay(2_000));
            OpenAiWireClient client = client(up, http, 1);
            CompletableFuture<ChatResult> left = client.call(HELLO.withModel("slow"), d -> {
                throw new ClientCancelled("the caller went away");
            });
            assertThatThrownBy(() -> left.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ClientCancelled.class);
            // one stream per connection: the next call finds the connection free again (no second connection)
            assertThat(client.call(HELLO, null).get(10, TimeUnit.SECONDS).text()).startsWith("Simulated answer");
            assertThat(up.h2cConnections()).isEqualTo(1);
        }
    }

    @Test
    void aProviderThatSaysGoawayAnswersItsOpenStreamsAndNewCallsGoOnANewConnection() throws Exception {
        try (SimulatedUpstream up = SimulatedUpstream.start(9L); UpstreamHttp http = new UpstreamHttp(1)) {
            up.setModelProfile("slow", new FaultProfile(0, 500, 1_500, 0, 5));
            OpenAiWireClient client = client(up, http, 100); // one attempt: a call sent to the closing connection would fail
            List<CompletableFuture<ChatResult>> open = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                open.add(client.call(HELLO.withModel("slow"), null));
            }
            Deadline.require("the upstream has the 10 calls", Duration.ofSeconds(10), () -> up.thinking() == 10);
            up.h2cGoAway();
            // once the GOAWAY is read, calls go on a new connection (one sent while it was on its way is still served
            // on the old one); a client that kept using the old connection would never open a second
            Deadline.require("a call answered on a new connection", Duration.ofSeconds(10), () -> {
                try {
                    return client.call(HELLO, null).get(10, TimeUnit.SECONDS).text().startsWith("Simulated answer")
                            && up.h2cConnections() == 2;
                } catch (Exception e) {
                    throw new AssertionError("a call around the GOAWAY failed", e);
                }
            });
            for (CompletableFuture<ChatResult> c : open) {
                assertThat(c.get(10, TimeUnit.SECONDS).text()).startsWith("Simulated answer");
            }
        }
    }
}
