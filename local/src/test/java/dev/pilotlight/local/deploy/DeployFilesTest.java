package dev.pilotlight.local.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pilotlight.common.Topics;
import dev.pilotlight.gateway.config.GatewayConfig;
import dev.pilotlight.jobs.JobOptions;
import dev.pilotlight.jobs.influx.InfluxWriterOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The compose stack's files agree with the code they configure, so a rename in code cannot leave
 * docker-compose.yml or the topic script silently wrong (there is no Docker engine here to find out).
 */
class DeployFilesTest {
    private static final Path ROOT = Path.of("..");
    private static final Map<String, String> SECRETS = Map.of(JobOptions.DEFAULT_KEY_ENV, "k".repeat(32),
            InfluxWriterOptions.DEFAULT_TOKEN_ENV, "token");

    private final JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile());

    DeployFilesTest() throws Exception {}

    @Test
    void theTopicScriptCreatesExactlyTheContractsTopics() throws Exception {
        Map<String, String> scripted = new TreeMap<>();
        for (String line : Files.readAllLines(ROOT.resolve("deploy/kafka/create-topics.sh"))) {
            if (line.startsWith("topic ")) {
                List<String> w = Arrays.asList(line.trim().split("\\s+"));
                scripted.put(w.get(1), w.get(2) + " " + w.subList(3, w.size()).stream().sorted().collect(Collectors.joining(" ")));
            }
        }
        Map<String, String> contract = new TreeMap<>();
        for (Topics.TopicSpec t : Topics.SPECS) {
            contract.put(t.name(), t.partitions() + " " + t.configs().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .sorted().collect(Collectors.joining(" ")));
        }
        assertThat(scripted).isEqualTo(contract);
    }

    @Test
    void theSubmittedJobOptionsAreValid() {
        JsonNode env = compose.path("services").path("submit").path("environment");
        assertThatCode(() -> JobOptions.parse(args(env, "GUARD_ARGS"), SECRETS)).doesNotThrowAnyException();
        InfluxWriterOptions writer = InfluxWriterOptions.parse(args(env, "WRITER_ARGS"), SECRETS);
        assertThat(writer.target().url()).isEqualTo("http://influxdb:8086");
        String org = compose.path("services").path("influxdb").path("environment").path("DOCKER_INFLUXDB_INIT_ORG").asText();
        String bucket = compose.path("services").path("influxdb").path("environment").path("DOCKER_INFLUXDB_INIT_BUCKET").asText();
        assertThat(writer.target().org()).isEqualTo(org);
        assertThat(writer.target().bucket()).isEqualTo(bucket);
    }

    @Test
    void theGatewaysSettingsAreKnownAndItsSecretsComeFromTheEnvFile() {
        Set<String> known = GatewayConfig.DEFAULTS.keySet().stream()
                .map(k -> k.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_')).collect(Collectors.toSet());
        Map<String, String> env = new HashMap<>();
        compose.path("services").path("gateway").path("environment").fields()
                .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        env.keySet().stream().filter(k -> k.startsWith("PILOTLIGHT_"))
                .forEach(k -> assertThat(known).as("gateway setting %s", k).contains(k));
        assertThat(env.get("PILOTLIGHT_CONTROL_KEY")).startsWith("${PILOTLIGHT_CONTROL_KEY:?");
        // every port but the gateway's listens on loopback only
        compose.path("services").fields().forEachRemaining(s -> s.getValue().path("ports").forEach(p -> assertThat(p.asText())
                .as("port of %s", s.getKey()).startsWith(s.getKey().equals("gateway") ? "0.0.0.0:" : "127.0.0.1:")));
    }

    private static String[] args(JsonNode env, String name) {
        String v = env.path(name).asText();
        assertThat(v).as(name).isNotBlank();
        return v.trim().split("\\s+");
    }
}
