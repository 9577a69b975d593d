package dev.pilotlight.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.gateway.auth.ApiKeyAuthenticator;
import dev.pilotlight.gateway.auth.Role;
import dev.pilotlight.gateway.http.Endpoint;
import dev.pilotlight.testkit.http.GatewayClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint against a key of every role (and none): exactly the endpoint's role gets past the
 * gate; the others get 403 (401 without a key). The metrics key once could call models.
 */
class AccessMatrixIT {
    private static final Map<String, Role> KEYS = new LinkedHashMap<>();
    private static GatewayFixture fx;

    @BeforeAll
    static void start() throws Exception {
        KEYS.put("pl-test-user-only-000000000000001", Role.USER);
        KEYS.put("pl-test-admin-only-00000000000002", Role.ADMIN);
        KEYS.put("pl-test-service-only-000000000003", Role.SERVICE);
        Path dir = Files.createTempDirectory("access-matrix-");
        StringBuilder yaml = new StringBuilder("keys:\n");
        KEYS.forEach((key, role) -> yaml.append("  - id: ").append(role.name().toLowerCase()).append("-only\n")
                .append("    sha256: ").append(ApiKeyAuthenticator.sha256(key)).append('\n')
                .append("    user: ").append(role.name().toLowerCase()).append("-caller\n")
                .append("    tenant: acme\n")
                .append("    roles: [").append(role.name().toLowerCase()).append("]\n"));
        Files.writeString(dir.resolve("keys.yaml"), yaml);
        fx = new GatewayFixture("gw-access-test", Map.of("pilotlight.api-keys.file", dir.resolve("keys.yaml").toString()));
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void eachEndpointAdmitsExactlyItsRole() {
        List<String> wrong = new ArrayList<>();
        for (Endpoint e : Endpoint.values()) {
            String path = e.template().replace("{route}", "claims-letter").replace("{id}", "some-id");
            int anonymous = call(e, path, null).status();
            if (e.isPublic()) {
                if (anonymous == 401 || anonymous == 403) {
                    wrong.add(e.label() + " without a key: " + anonymous);
                }
                continue;
            }
            if (anonymous != 401) {
                wrong.add(e.label() + " without a key: " + anonymous + " (want 401)");
            }
            KEYS.forEach((key, role) -> {
                GatewayClient.Response r = call(e, path, key);
                boolean allowed = r.status() != 401 && r.status() != 403;
                if (allowed != (role == e.role())) {
                    wrong.add(e.label() + " with a " + role + " key: " + r.status() + " " + r.raw());
                }
                if (!allowed && r.status() != 403) {
                    wrong.add(e.label() + " with a " + role + " key: " + r.status() + " (want 403)");
                }
            });
        }
        assertThat(wrong).isEmpty();
    }

    private static GatewayClient.Response call(Endpoint e, String path, String key) {
        return e.method().equals("GET") ? fx.client.get(path, key) : fx.client.post(path, key, "{}");
    }
}
