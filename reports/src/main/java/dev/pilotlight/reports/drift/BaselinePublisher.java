package dev.pilotlight.reports.drift;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.event.DriftBaseline;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Signs a baseline with the control key and writes it to the compacted guard.drift-baselines, keyed by route. */
public final class BaselinePublisher {
    private final String bootstrap;
    private final CommandSigner signer;

    public BaselinePublisher(String bootstrap, CommandSigner signer) {
        this.bootstrap = bootstrap;
        this.signer = signer;
    }

    public DriftBaseline publish(DriftBaseline b) throws Exception {
        DriftBaseline signed = signer.sign(b);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(Topics.DRIFT_BASELINES, b.route(), JsonCodec.encode(signed))).get(30, TimeUnit.SECONDS);
        }
        return signed;
    }
}
