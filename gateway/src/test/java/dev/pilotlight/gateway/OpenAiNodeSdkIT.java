package dev.pilotlight.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.testkit.binaries.ExternalBinary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenAI Node SDK (sdk-check/check.mjs) against a gateway on loopback: models, plain and
 * streamed completions, a fallback, tool calls, json_schema answers, embeddings, and errors the SDK maps to its own classes. {@code ./pilotlight test}
 * installs Node.js and the SDK (npm ci in sdk-check) first.
 */
class OpenAiNodeSdkIT {

    @Test
    void theOfficialNodeSdkWorksUnchangedAgainstTheGateway(@TempDir Path dir) throws Exception {
        Path node = ExternalBinary.NODE.require();
        Path check = Path.of("../sdk-check/check.mjs").toAbsolutePath().normalize();
        if (!Files.isDirectory(check.resolveSibling("node_modules/openai"))) {
            throw new IllegalStateException("sdk-check/node_modules is missing: run ./pilotlight test (it runs npm ci --prefix sdk-check)");
        }
        try (GatewayFixture fx = new GatewayFixture("gw-sdk-check", Map.of())) {
            Path log = dir.resolve("check.log");
            ProcessBuilder pb = new ProcessBuilder(node.toString(), check.toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("PILOTLIGHT_URL", fx.gateway.baseUrl() + "/v1");
            pb.environment().put("PILOTLIGHT_UPSTREAM_URL", fx.upstream.rootUrl());
            Process p = pb.start();
            boolean exited = p.waitFor(120, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly().waitFor();
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(exited).as("check.mjs finished within 120 s; output so far:\n%s", out).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("11 passed, 0 failed");
        }
    }
}
