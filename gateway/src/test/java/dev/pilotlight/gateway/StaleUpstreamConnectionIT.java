package dev.pilotlight.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.gateway.catalog.ProviderSpec;
import dev.pilotlight.gateway.provider.ChatCall;
import dev.pilotlight.gateway.provider.ChatResult;
import dev.pilotlight.gateway.provider.ChatTurn;
import dev.pilotlight.gateway.provider.OpenAiWireClient;
import dev.pilotlight.gateway.provider.netty.UpstreamHttp;
import dev.pilotlight.gateway.provider.netty.UpstreamProtocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A provider that drops kept-alive connections (as a server capping its idle connections does, or a
 * load balancer's idle timeout) costs the caller nothing: the request found a closed connection before
 * any answer, so it goes again on a connection opened for it, not on the next pooled one, which the
 * provider closed at the same time. A real HTTP/1.1 server on a socket: it answers the first request
 * of each connection and closes the connection, without a word, when a second one arrives on it.
 */
class StaleUpstreamConnectionIT {
    private static final String ANSWER = "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"fresh\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";

    @Test
    void aRequestOnAConnectionTheProviderDroppedGoesAgainOnANewOne() throws Exception {
        int pooled = 4;
        CountDownLatch allConnected = new CountDownLatch(pooled);
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger dropped = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             UpstreamHttp http = new UpstreamHttp(1)) {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        allConnected.countDown();
                        new Thread(() -> serveOnce(s, allConnected, answered, dropped)).start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            ProviderSpec spec = new ProviderSpec("p", ProviderSpec.Kind.OPENAI, "http://127.0.0.1:" + server.getLocalPort() + "/v1",
                    "k", Duration.ofSeconds(10), 1, 50, 20, Duration.ofSeconds(10), UpstreamProtocol.HTTP_1_1);
            OpenAiWireClient client = new OpenAiWireClient(spec, http);
            ChatCall call = new ChatCall("m", "1.0.0", List.of(new ChatTurn(ChatTurn.Role.USER, "hello")), null, null, null);

            // four calls at once: the server holds each answer until all four connections are open, so the pool keeps four
            List<CompletableFuture<ChatResult>> first = List.of(client.call(call, null), client.call(call, null),
                    client.call(call, null), client.call(call, null));
            first.forEach(f -> assertThat(f.join().text()).isEqualTo("fresh"));

            // every pooled connection is now stale: without a new connection for the resend this call fails
            // (one attempt, no retry in the spec above)
            for (int i = 0; i < 3; i++) {
                assertThat(client.call(call, null).get(10, TimeUnit.SECONDS).text()).isEqualTo("fresh");
            }
            assertThat(dropped.get()).isBetween(3, pooled);
            assertThat(answered.get()).isEqualTo(pooled + 3);
        }
    }

    /** Answers the connection's first request (once every expected connection is open); closes it at the second. */
    private static void serveOnce(Socket s, CountDownLatch allConnected, AtomicInteger answered, AtomicInteger dropped) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            readRequest(in);
            allConnected.await(10, TimeUnit.SECONDS);
            byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            answered.incrementAndGet();
            if (readRequest(in)) {
                dropped.incrementAndGet(); // a second request on a kept-alive connection: closed unanswered
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    /** Reads one request's head and body; false at the end of the stream. */
    private static boolean readRequest(BufferedReader in) throws IOException {
        int length = 0;
        String line = in.readLine();
        if (line == null) {
            return false;
        }
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.skip(length);
        return true;
    }
}
