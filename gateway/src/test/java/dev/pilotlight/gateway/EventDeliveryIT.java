package dev.pilotlight.gateway;

import dev.pilotlight.testkit.upstream.FaultProfile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.testkit.kafka.TopicReader;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.testkit.http.GatewayClient;
import dev.pilotlight.common.Deadline;
import dev.pilotlight.testkit.DemoKeys;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Events are not lost when the broker goes away: they wait in the spool and arrive when it is back. */
class EventDeliveryIT {
    private static GatewayFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new GatewayFixture("gw-spool-test", Map.of("pilotlight.events.delivery-timeout", "4s"));
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void eventsEmittedWhileTheBrokerIsDownAllArriveAfterItRestarts() throws Exception {
        String user = DemoKeys.USERS.get(2);
        assertThat(fx.client.invoke("claims-letter", user, "before the outage").status()).isEqualTo(200);

        fx.kafka.stop();
        List<String> ids = IntStream.range(0, 25).mapToObj(i -> {
            GatewayClient.Response r = fx.client.invoke("claims-letter", user, "during the outage " + i);
            assertThat(r.status()).as("requests are served while Kafka is down").isEqualTo(200);
            return r.eventId();
        }).toList();
        Deadline.require("undeliverable events spooled to disk", Duration.ofSeconds(30), () -> fx.gateway.events().spooled() >= 25);
        assertThat(fx.gateway.events().dropped()).isZero();

        fx.kafka.restart();
        Deadline.require("spool drained", Duration.ofSeconds(60), () -> fx.gateway.events().spoolDepth() == 0);

        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, fx.bootstrap()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(Topics.INVOCATIONS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Deadline.require("all 25 outage events on " + Topics.INVOCATIONS, Duration.ofSeconds(30), () -> {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    seen.add(JsonCodec.decode(r.value(), InvocationEvent.class).eventId());
                }
                return seen.containsAll(ids);
            });
        }
    }

    @Test
    void shutdownLetsInFlightRequestsFinishAndFlushesTheirEvents() throws Exception {
        try (GatewayFixture own = new GatewayFixture("gw-drain-test", Map.of())) {
            own.upstream.setModelProfile("sim-model", new dev.pilotlight.testkit.upstream.FaultProfile(0, 500, 1500, 0, 50));
            List<java.util.concurrent.CompletableFuture<GatewayClient.Response>> calls = IntStream.range(0, 5)
                    .mapToObj(i -> own.client.invokeAsync("claims-letter", DemoKeys.USERS.get(0), "in flight at shutdown " + i)).toList();
            Deadline.require("all five at the upstream", Duration.ofSeconds(10), () -> own.upstream.callsForModel("sim-model") >= 5);
            own.gateway.close(); // returns after draining
            List<String> ids = calls.stream().map(java.util.concurrent.CompletableFuture::join).map(r -> {
                assertThat(r.status()).isEqualTo(200);
                return r.eventId();
            }).toList();
            Set<String> seen = new HashSet<>();
            Deadline.require("their events on Kafka", Duration.ofSeconds(20), () -> {
                TopicReader.find(own.bootstrap(), Topics.INVOCATIONS, x -> {
                    seen.add(JsonCodec.decode(x.value(), InvocationEvent.class).eventId());
                    return seen.containsAll(ids);
                }, Duration.ofSeconds(2));
                return seen.containsAll(ids);
            });
        }
    }
}
