package dev.pilotlight.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.pilotlight.gateway.catalog.ProviderSpec;
import dev.pilotlight.gateway.provider.ChatCall;
import dev.pilotlight.gateway.provider.ChatResult;
import dev.pilotlight.gateway.provider.ChatTurn;
import dev.pilotlight.gateway.provider.OpenAiWireClient;
import dev.pilotlight.gateway.provider.ProviderFailure;
import dev.pilotlight.gateway.provider.netty.UpstreamHttp;
import dev.pilotlight.gateway.provider.netty.UpstreamProtocol;
import dev.pilotlight.testkit.upstream.SimulatedUpstream;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Providers are reached over https (real ones always are): a JDK HTTPS server with a certificate made
 * by keytool for "localhost" answers the untranslated client when its certificate is trusted, and
 * the client refuses it when it is not (the JDK's own trust store, as in production). A provider
 * catalogued as HTTP/2 must choose h2 by ALPN: the JDK's server does not (named), the simulated
 * upstream's TLS side does (answered over HTTP/2).
 */
class UpstreamTlsIT {
    private static final String ANSWER = "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"over TLS\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}";

    @Test
    void httpsProvidersAreReachedWithTheirCertificateChecked(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("upstream.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "upstream", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);

        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        server.createContext("/v1/chat/completions", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        ProviderSpec spec = new ProviderSpec("tls", ProviderSpec.Kind.OPENAI, "https://localhost:" + server.getAddress().getPort() + "/v1",
                "k", Duration.ofSeconds(10), 1, 50, 20, Duration.ofSeconds(10), UpstreamProtocol.HTTP_1_1);
        ChatCall call = new ChatCall("m", "1.0.0", List.of(new ChatTurn(ChatTurn.Role.USER, "hello")), null, null, null);
        X509Certificate cert = (X509Certificate) ks.getCertificate("upstream");
        try (UpstreamHttp trusting = new UpstreamHttp(1, SslContextBuilder.forClient().trustManager(cert));
             UpstreamHttp production = new UpstreamHttp(1)) {
            ChatResult r = new OpenAiWireClient(spec, trusting).call(call, null).join();
            assertThat(r.text()).isEqualTo("over TLS");
            assertThat(r.inputTokens()).isEqualTo(3);

            assertThatThrownBy(() -> new OpenAiWireClient(spec, production).call(call, null).join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(ProviderFailure.class);

            // catalogued as HTTP/2, a provider that does not choose h2 by ALPN (the JDK's server cannot) is named as such
            ProviderSpec h2 = new ProviderSpec("tls-h2", ProviderSpec.Kind.OPENAI, spec.baseUrl(), "k", Duration.ofSeconds(10), 1, 50, 20,
                    Duration.ofSeconds(10), UpstreamProtocol.http2(100));
            assertThatThrownBy(() -> new OpenAiWireClient(h2, trusting).call(call, null).join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(ProviderFailure.class)
                    .rootCause().hasMessageContaining("did not agree to HTTP/2 by ALPN (it chose http/1.1)")
                    .hasMessageContaining("set its http to 1.1");
        } finally {
            server.stop(0);
        }

        // a provider that does choose h2 (the simulated upstream's TLS side, same certificate): answers over HTTP/2
        SslContext h2Server = SslContextBuilder.forServer(kmf).applicationProtocolConfig(new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN, ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2)).build();
        try (SimulatedUpstream up = SimulatedUpstream.start(3L);
             UpstreamHttp trusting = new UpstreamHttp(1, SslContextBuilder.forClient().trustManager(cert))) {
            ProviderSpec h2 = new ProviderSpec("tls-h2", ProviderSpec.Kind.OPENAI, up.startH2Tls(h2Server), "k", Duration.ofSeconds(10), 1, 50,
                    20, Duration.ofSeconds(10), UpstreamProtocol.http2(100));
            OpenAiWireClient client = new OpenAiWireClient(h2, trusting);
            assertThat(client.call(call, null).join().text()).startsWith("Simulated answer");
            assertThat(client.call(call, d -> { }).join().text()).startsWith("Simulated answer"); // streamed
            assertThat(up.h2TlsConnections()).isEqualTo(1);
        }
    }
}
