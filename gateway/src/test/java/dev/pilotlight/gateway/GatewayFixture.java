package dev.pilotlight.gateway;

import dev.pilotlight.gateway.Gateway;
import dev.pilotlight.gateway.config.GatewayConfig;
import dev.pilotlight.testkit.DemoCatalog;
import dev.pilotlight.testkit.Fixtures;
import dev.pilotlight.testkit.kafka.EmbeddedKafka;
import dev.pilotlight.testkit.http.GatewayClient;
import dev.pilotlight.common.Deadline;
import dev.pilotlight.testkit.upstream.SimulatedUpstream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A real broker, the simulated upstream and one gateway on free loopback ports, for HTTP-level tests. */
public final class GatewayFixture implements AutoCloseable {
    /** The control key the fixture's gateway verifies commands and release states with. */
    public static final String CONTROL_KEY = "fixture-key-fixture-key-fixture-key-0";

    public final EmbeddedKafka kafka;
    public final SimulatedUpstream upstream;
    public final Gateway gateway;
    public final GatewayClient client;
    public final Path spoolDir;

    public GatewayFixture(String gatewayId, Map<String, String> settings) throws InterruptedException {
        this(gatewayId, settings, false);
    }

    /** @param http2 the OpenAI-format provider is reached over HTTP/2 (the simulator's h2c side) */
    public GatewayFixture(String gatewayId, Map<String, String> settings, boolean http2) throws InterruptedException {
        try {
            spoolDir = Files.createTempDirectory("pilotlight-spool-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        kafka = EmbeddedKafka.start();
        kafka.createContractTopics();
        upstream = SimulatedUpstream.start(11L);
        Map<String, String> s = new HashMap<>(Map.of(
                "pilotlight.gateway.id", gatewayId,
                "pilotlight.gateway.port", "0",
                "pilotlight.kafka.bootstrap", kafka.bootstrapServers(),
                "pilotlight.prompts.dir", "../examples/prompts",
                "pilotlight.api-keys.file", "../config/api-keys.local.yaml",
                "pilotlight.catalog.file", "../config/catalog.local.yaml",
                "pilotlight.events.spool-dir", spoolDir.toString(),
                "pilotlight.audit.file", spoolDir.resolve("audit.log").toString(),
                "pilotlight.control.key", CONTROL_KEY));
        s.putAll(settings);
        gateway = Gateway.start(GatewayConfig.from(s), http2 ? upstream.catalogVariablesHttp2() : upstream.catalogVariables());
        Deadline.require("gateway ready", Duration.ofSeconds(30), gateway::isReady);
        client = new GatewayClient(gateway.baseUrl());
    }

    /**
     * The demo catalog with every provider call's timeout set to {@code timeout}, written into {@code dir} with the
     * schemas it names beside it; for {@code pilotlight.catalog.file}.
     */
    public static Path demoCatalogWithTimeout(Path dir, String timeout) throws IOException {
        return DemoCatalog.copy(Fixtures.HOME, dir, DemoCatalog.providerTimeout(timeout));
    }

    public String bootstrap() {
        return kafka.bootstrapServers();
    }

    @Override
    public void close() {
        gateway.close();
        upstream.close();
        kafka.close();
    }
}
