package dev.pilotlight.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.gateway.catalog.ProviderSpec;
import dev.pilotlight.gateway.http.HttpEdge;
import dev.pilotlight.gateway.http.NettyTransport;
import dev.pilotlight.gateway.provider.ChatCall;
import dev.pilotlight.gateway.provider.ChatTurn;
import dev.pilotlight.gateway.provider.OpenAiWireClient;
import dev.pilotlight.gateway.provider.netty.UpstreamHttp;
import dev.pilotlight.gateway.provider.netty.UpstreamProtocol;
import dev.pilotlight.testkit.upstream.SimulatedUpstream;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * On the server's event loops, a provider call begun on one loop is answered on that same loop, over
 * HTTP/1.1 and HTTP/2: the request, its provider call and its response cross no thread
 * (docs/architecture.md, "Gateway threads"). A call begun elsewhere is answered on one of the loops.
 */
class UpstreamLoopAffinityIT {
    private static final ChatCall HELLO = new ChatCall("sim-model", "1.0.0", List.of(new ChatTurn(ChatTurn.Role.USER, "hello")),
            null, null, null);

    @ParameterizedTest(name = "{0}, http2={1}")
    @CsvSource({"NIO, false", "NIO, true", "EPOLL, false", "EPOLL, true", "IO_URING, false", "IO_URING, true"})
    void aCallBegunOnALoopIsAnsweredOnThatLoop(NettyTransport transport, boolean http2) throws Exception {
        // io_uring is refused by some kernels and container profiles; epoll and NIO load on every Linux CI runs on
        Assumptions.assumeTrue(transport != NettyTransport.IO_URING || IoUring.isAvailable(), "io_uring is not available here");
        EventLoopGroup group = HttpEdge.newLoops(transport);
        try (SimulatedUpstream up = SimulatedUpstream.start(11L); UpstreamHttp http = UpstreamHttp.onLoops(group, transport)) {
            OpenAiWireClient client = new OpenAiWireClient(new ProviderSpec("p", ProviderSpec.Kind.OPENAI,
                    http2 ? up.h2cBaseUrl() : up.baseUrl(), "k", Duration.ofSeconds(10), 1, 50, 20, Duration.ofSeconds(10),
                    http2 ? UpstreamProtocol.http2(100) : UpstreamProtocol.HTTP_1_1), http);
            List<EventLoop> loops = new ArrayList<>();
            for (EventExecutor e : group) {
                loops.add((EventLoop) e);
            }
            assertThat(loops).hasSizeGreaterThanOrEqualTo(2);
            int calls = 0;
            for (int round = 0; round < 3; round++) { // connections are reused from the second round on: still the same loop
                for (EventLoop loop : loops) {
                    Thread loopThread = loop.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
                    for (int i = 0; i < 3; i++) { // several in a row on one loop: a round-robin choice of loop would miss
                        // the dependent step is attached on the loop before any answer can arrive (the loop is busy running it)
                        CompletableFuture<Thread> answeredOn = loop.submit(() -> client.call(HELLO, null).thenApply(r -> Thread.currentThread()))
                                .get(5, TimeUnit.SECONDS);
                        assertThat(answeredOn.get(10, TimeUnit.SECONDS)).as("round %d, call %d", round, i).isSameAs(loopThread);
                        calls++;
                    }
                }
            }
            Set<Thread> loopThreads = new java.util.HashSet<>();
            for (EventLoop loop : loops) {
                loopThreads.add(loop.submit(Thread::currentThread).get(5, TimeUnit.SECONDS));
            }
            Set<Thread> deltasOn = java.util.concurrent.ConcurrentHashMap.newKeySet(); // told before the call begins: no race
            client.call(HELLO, d -> deltasOn.add(Thread.currentThread())).get(10, TimeUnit.SECONDS);
            assertThat(deltasOn).isNotEmpty().isSubsetOf(loopThreads);
            assertThat(up.calls()).isEqualTo(calls + 1);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }
}
