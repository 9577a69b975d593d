package dev.pilotlight.local.bench;

import dev.pilotlight.gateway.catalog.ProviderSpec;
import dev.pilotlight.gateway.provider.ChatCall;
import dev.pilotlight.gateway.provider.ChatTurn;
import dev.pilotlight.gateway.provider.Langchain4jClient;
import dev.pilotlight.gateway.provider.OpenAiWireClient;
import dev.pilotlight.gateway.provider.netty.UpstreamHttp;
import dev.pilotlight.gateway.provider.netty.UpstreamProtocol;
import dev.pilotlight.gateway.provider.http.OkHttpTransports;
import dev.pilotlight.testkit.upstream.FaultProfile;
import dev.pilotlight.testkit.upstream.SimulatedUpstream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * What one provider call costs: the same sequential calls to the simulated upstream through the
 * langchain4j client (now only for translated providers), the gateway's untranslated OpenAI client
 * (OpenAiWireClient, non-blocking on Netty: the caller waits on its future here) and a bare JDK HttpClient, reporting wall time and process
 * CPU per call (the upstream runs in this process too, so both include its share).
 */
public final class ProviderCallBench {
    private ProviderCallBench() {}

    public static void run(int calls, int rounds, PrintStream out) throws Exception {
        try (SimulatedUpstream up = SimulatedUpstream.start(0, 1, 8)) {
            up.setDefault(new FaultProfile(0, 500, 0, 0, 40));
            ProviderSpec spec = new ProviderSpec("sim", ProviderSpec.Kind.OPENAI, up.baseUrl(), "k", Duration.ofSeconds(10), 1, 50, 20,
                    Duration.ofSeconds(10), UpstreamProtocol.HTTP_1_1);
            OkHttpTransports transports = new OkHttpTransports(16);
            Langchain4jClient client = new Langchain4jClient(spec, transports, Runnable::run); // on this thread, as before
            UpstreamHttp upstreamHttp = new UpstreamHttp(1);
            OpenAiWireClient wire = new OpenAiWireClient(spec, upstreamHttp);
            ChatCall call = new ChatCall("sim-model", "1.0.0", List.of(new ChatTurn(ChatTurn.Role.SYSTEM, "You draft letters."),
                    new ChatTurn(ChatTurn.Role.USER, "Claim 1: rear-end collision, approve.")), null, null, null);
            HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String body = "{\"model\":\"sim-model\",\"messages\":[{\"role\":\"system\",\"content\":\"You draft letters.\"},"
                    + "{\"role\":\"user\",\"content\":\"Claim 1: rear-end collision, approve.\"}]}";
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            out.println("round  wall/CPU µs per call:  langchain4j          untranslated (OpenAiWireClient)   bare JDK client");
            for (int r = 1; r <= rounds; r++) {
                long c0 = os.getProcessCpuTime();
                long w0 = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    client.call(call, null).join();
                }
                long c1 = os.getProcessCpuTime();
                long w1 = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    raw.send(HttpRequest.newBuilder(URI.create(up.baseUrl() + "/chat/completions"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                }
                long c2 = os.getProcessCpuTime();
                long w2 = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    wire.call(call, null).join();
                }
                long c3 = os.getProcessCpuTime();
                long w3 = System.nanoTime();
                out.printf("%5d  %26.0f / %-10.0f %14.0f / %-18.0f %8.0f / %-8.0f%n", r, (w1 - w0) / 1e3 / calls, (c1 - c0) / 1e3 / calls,
                        (w3 - w2) / 1e3 / calls, (c3 - c2) / 1e3 / calls, (w2 - w1) / 1e3 / calls, (c2 - c1) / 1e3 / calls);
            }
            upstreamHttp.close();
        }
    }
}
