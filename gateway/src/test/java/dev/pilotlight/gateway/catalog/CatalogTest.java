package dev.pilotlight.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.gateway.auth.ApiKeyAuthenticator;
import dev.pilotlight.gateway.prompt.PromptRegistry;
import dev.pilotlight.gateway.provider.netty.UpstreamProtocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration files fail start-up with every problem named: catalog, prompts, API keys. */
class CatalogTest {
    static final Map<String, String> VARS = Map.of("SIM_OPENAI_URL", "http://127.0.0.1:1/v1", "SIM_ANTHROPIC_URL", "http://127.0.0.1:1/v1/");

    @TempDir
    Path dir;

    @Test
    void theDemoCatalogLoadsWithEveryFeature() {
        Catalog c = Catalog.load(Path.of("../config/catalog.local.yaml"), VARS);
        Route letter = c.route("claims-letter").orElseThrow();
        assertThat(letter.chain("sim-model")).containsExactly("sim-model", "sim-claude");
        assertThat(letter.guards().denyList()).contains("guaranteed approval");
        assertThat(c.route("claims-triage").orElseThrow().cache().enabled()).isFalse();
        assertThat(c.route("claims-summary").orElseThrow().guards().outputSchema()).isNotNull();
        assertThat(c.providers().get("sim-anthropic").kind()).isEqualTo(ProviderSpec.Kind.ANTHROPIC);
        assertThat(c.providers().get("sim-openai").protocol()).isEqualTo(UpstreamProtocol.HTTP_1_1);
        assertThat(c.price("sim-model").cost(1_000_000, 1_000_000)).isEqualTo(0.75);
        // a tiered request falls back to the route's own model before the fallbacks
        assertThat(c.route("claims-triage").orElseThrow().chain("sim-mini")).containsExactly("sim-mini", "sim-model");
    }

    @Test
    void everyProblemIsNamedAtOnce() throws Exception {
        Path f = dir.resolve("catalog.yaml");
        Files.writeString(f, """
                # a comment with ${NOT_A_VARIABLE} is left alone
                providers:
                  p1: {kind: grpc, base-url: "ftp://x", api-key: "${MISSING_KEY}", max-attempts: 9, colour: red}
                  p5: {kind: openai, base-url: "http://a", http: 3}
                  p6: {kind: anthropic, base-url: "http://b", http: 2, streams-per-connection: 0}
                  p7: {kind: openai, base-url: "http://c", streams-per-connection: 10}
                models:
                  m1: {provider: p2, name: m1}
                routes:
                  - route: r1
                    prompt: r1
                    model: m9
                    fallbacks: [m1, m8]
                    production: one
                    guards: {injection: maybe}
                    drift: {languages: [en, xx]}
                  - route: r2
                    prompt: r2
                    model: m1
                    production: 1.0.0
                    drift: {languages: []}
                """);
        assertThatThrownBy(() -> Catalog.load(f, Map.of()))
                .hasMessageContaining("variable ${MISSING_KEY} is not set")
                .hasMessageContaining("providers.p1.kind 'grpc' must be openai or anthropic")
                .hasMessageContaining("providers.p1.base-url 'ftp://x' must be an http(s) URL")
                .hasMessageContaining("providers.p1.max-attempts must be between 1 and 5")
                .hasMessageContaining("unknown key providers.p1.colour")
                .hasMessageContaining("providers.p5.http '3' must be 1.1 or 2")
                .hasMessageContaining("providers.p6.http: 2 is for kind openai only")
                .hasMessageContaining("providers.p6.streams-per-connection must be a whole number between 1 and 10000")
                .hasMessageContaining("providers.p7.streams-per-connection needs http: 2")
                .hasMessageContaining("models.m1.provider 'p2' is not a provider")
                .hasMessageContaining("routes[0].model names unknown model 'm9'")
                .hasMessageContaining("routes[0].fallbacks names unknown model 'm8'")
                .hasMessageContaining("routes[0].production 'one' is not a semantic version")
                .hasMessageContaining("routes[0].guards.injection must be block, flag or off")
                .hasMessageContaining("routes[0].drift.languages: unknown language 'xx' (known: af, an, ar, ")
                .hasMessageContaining("routes[1].drift.languages must be a list of language codes (omit it for all 70)")
                .message().doesNotContain("NOT_A_VARIABLE");
    }

    @Test
    void promptFilesAreCheckedWithFileAndLine() throws Exception {
        Files.createDirectories(dir.resolve("p"));
        Files.writeString(dir.resolve("p/1.0.0.yaml"), "version: 1.0.0\nchangelog: first\nsystem: hi\n");
        Files.writeString(dir.resolve("p/1.1.0.yaml"), "version: 1.2.0\nchangelog: x\nsystem: hi\n");
        Files.writeString(dir.resolve("p/2.0.0.yaml"), "version: 2.0.0\nchangelog: x\nsystem: [unclosed\n");
        assertThatThrownBy(() -> PromptRegistry.load(dir, List.of("p", "absent")))
                .hasMessageContaining("1.1.0.yaml: version 1.2.0 does not match the file name")
                .hasMessageContaining("2.0.0.yaml:")
                .hasMessageContaining("prompt absent: no directory");
    }

    @Test
    void apiKeyFilesRefuseUnhashedKeysAndUnknownRoles() throws Exception {
        Path keys = dir.resolve("keys.yaml");
        Files.writeString(keys, "keys:\n  - {id: k1, sha256: not-a-hash, user: u, tenant: t, roles: [user]}\n");
        assertThatThrownBy(() -> ApiKeyAuthenticator.fromFile(keys)).hasMessageContaining("key 'k1' sha256 must be 64 lowercase hex");
        Files.writeString(keys, "keys:\n  - {id: k2, sha256: " + "a".repeat(64) + ", user: u, tenant: t, roles: [root]}\n");
        assertThatThrownBy(() -> ApiKeyAuthenticator.fromFile(keys)).hasMessageContaining("unknown role 'root'");
        Files.writeString(keys, "keys:\n  - {id: k3, sha256: " + ApiKeyAuthenticator.sha256("secret") + ", user: u, tenant: t, roles: [admin]}\n");
        ApiKeyAuthenticator auth = ApiKeyAuthenticator.fromFile(keys);
        assertThat(auth.authenticate("Bearer secret")).hasValueSatisfying(p -> assertThat(p.userId()).isEqualTo("u"));
        assertThat(auth.authenticate("Bearer wrong")).isEmpty();
        assertThat(auth.authenticate("Basic secret")).isEmpty();
    }
}
