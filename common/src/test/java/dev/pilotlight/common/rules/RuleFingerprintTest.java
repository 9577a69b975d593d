package dev.pilotlight.common.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fingerprints come from the parts' values (enum names), not from identity hash codes that differ per JVM. */
class RuleFingerprintTest {
    @Test
    void isTheSha256OfThePartsText() throws Exception {
        byte[] sha = MessageDigest.getInstance("SHA-256").digest("[ERROR_RATE, PT1M, [route]]".getBytes(StandardCharsets.UTF_8));
        assertThat(RuleFingerprint.of(Metric.ERROR_RATE, Duration.ofMinutes(1), List.of("route"))).isEqualTo(ByteBuffer.wrap(sha).getInt());
    }

    @Test
    void aChangedPartChangesIt() {
        assertThat(RuleFingerprint.of(Metric.ERROR_RATE, Duration.ofMinutes(1)))
                .isNotEqualTo(RuleFingerprint.of(Metric.ERROR_RATE, Duration.ofMinutes(2)))
                .isNotEqualTo(RuleFingerprint.of(Metric.ERRORS, Duration.ofMinutes(1)));
    }
}
