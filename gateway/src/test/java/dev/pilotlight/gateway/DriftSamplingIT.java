package dev.pilotlight.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.http.GatewayClient;
import dev.pilotlight.testkit.kafka.TopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The local catalog's claims-letter route samples half of its answered calls for drift: those events
 * carry a language and topics computed in the gateway from the redacted texts, no text reaches Kafka,
 * and closing the gateway right after the calls still emits every event the sampler held.
 */
class DriftSamplingIT {
    private static final String QUESTION = "Please draft a denial letter for claim 4411: the flood damage in the basement of "
            + "jane.doe@example.com is not covered by the policy";

    @Test
    void sampledEventsCarryLanguageAndTopicNeverTheTextAndNoneIsLostOnClose() throws Exception {
        List<String> ids = new ArrayList<>();
        try (GatewayFixture fx = new GatewayFixture("gw-drift", Map.of())) {
            // until its models are loaded the sampler samples nothing, so no event waits for them
            Deadline.require("the drift sampler's models loaded", Duration.ofSeconds(60), fx.gateway::driftSamplerWarm);
            for (int i = 0; i < 24; i++) {
                GatewayClient.Response r = fx.client.post("/v1/chat/completions", DemoKeys.USERS.get(i % 3),
                        "{\"model\":\"claims-letter\",\"messages\":[{\"role\":\"user\",\"content\":\"" + QUESTION + " (" + i + ")\"}]}");
                assertThat(r.status()).isEqualTo(200);
                ids.add(r.eventId());
            }
            fx.gateway.close(); // at once: the sampler may still hold calls

            Set<String> wanted = Set.copyOf(ids);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            Deadline.require("every invocation event on Kafka", Duration.ofSeconds(30), () -> {
                records.clear();
                records.addAll(TopicReader.all(fx.bootstrap(), Topics.INVOCATIONS));
                return records.stream().map(rec -> JsonCodec.decode(rec.value(), InvocationEvent.class).eventId())
                        .collect(Collectors.toSet()).containsAll(wanted);
            });
            List<InvocationEvent> events = records.stream().map(rec -> JsonCodec.decode(rec.value(), InvocationEvent.class))
                    .filter(e -> wanted.contains(e.eventId())).toList();
            assertThat(events).hasSize(24).allSatisfy(e -> assertThat(e.finishReason()).isEqualTo("stop"));
            List<InvocationEvent> sampled = events.stream().filter(e -> e.language() != null).toList();
            assertThat(sampled).as("about half of 24 sampled (none with probability 2^-24)").isNotEmpty().allSatisfy(e -> {
                assertThat(e.language()).isEqualTo("en");
                assertThat(e.inputTopic()).isEqualTo("denial");
                assertThat(e.outputTopic()).isNotNull();
            });
            assertThat(events).filteredOn(e -> e.language() == null).allSatisfy(e -> assertThat(e.inputTopic()).isNull());
            for (ConsumerRecord<String, byte[]> rec : records) {
                assertThat(TopicReader.text(rec)).doesNotContain("flood damage").doesNotContain("jane.doe")
                        .doesNotContain("inputText\":\"").doesNotContain("outputText\":\"");
            }
        }
    }
}
