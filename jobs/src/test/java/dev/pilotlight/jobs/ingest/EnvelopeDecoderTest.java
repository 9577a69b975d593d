package dev.pilotlight.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.rules.RuleSetUpdate;
import dev.pilotlight.common.event.Heartbeat;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.common.event.ReleaseState;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeDecoderTest {
    private static final CommandSigner SIGNER = CommandSigner.fromSecret("decoder-test-key-decoder-test-key-00");
    private static final EnvelopeDecoder DECODER = new EnvelopeDecoder(SIGNER, new TimeBounds(java.time.Duration.ofSeconds(30), java.time.Duration.ofHours(24)));

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void decodesEachTopicToItsRecordAndUsesItsEventTime() {
        InvocationEvent inv = InvocationEvent.builder().eventId("e").timestamp(123).gatewayId("g").route("r")
                .promptVersion("1.0.0").status(InvocationStatus.OK).build();
        Envelope e = DECODER.decode(Topics.INVOCATIONS, 0, 5, utf8("u"), JsonCodec.encode(inv), 999);
        assertThat(e.invocation()).isEqualTo(inv);
        assertThat(e.eventTime()).isEqualTo(123);

        Heartbeat hb = new Heartbeat(1, "g", 456, "v", 0, 0, 0, 0, Map.of());
        assertThat(DECODER.decode(Topics.HEARTBEATS, 0, 0, null, JsonCodec.encode(hb), 999).heartbeat()).isEqualTo(hb);

        ReleaseState rs = SIGNER.sign(new ReleaseState(1, "p", "r", "1.0.0", null, null, 0, 1, 5, "x", null));
        Envelope r = DECODER.decode(Topics.RELEASES, 0, 0, null, JsonCodec.encode(rs), 777);
        assertThat(r.release()).isEqualTo(rs);
        assertThat(r.eventTime()).isEqualTo(rs.updatedAt()); // when the release changed, not when it was written
    }

    @Test
    void malformedRecordBecomesADeadLetterWithTheReason() {
        Envelope e = DECODER.decode(Topics.INVOCATIONS, 3, 42, utf8("alice"), utf8("{\"schemaVersion\":1,\"eventId\":\"x\"}"), 1);
        assertThat(e.invocation()).isNull();
        assertThat(e.deadLetter().sourceTopic()).isEqualTo(Topics.INVOCATIONS);
        assertThat(e.deadLetter().partition()).isEqualTo(3);
        assertThat(e.deadLetter().offset()).isEqualTo(42);
        assertThat(e.deadLetter().key()).isEqualTo("alice");
        assertThat(e.deadLetter().reason()).isEqualTo("InvocationEvent is missing required field 'timestamp'");
        assertThat(e.deadLetter().payload()).contains("\"eventId\":\"x\"");

        Envelope garbage = DECODER.decode(Topics.FEEDBACK, 0, 1, null, new byte[] {(byte) 0xff, 0x00, 0x7b}, 1);
        assertThat(garbage.deadLetter().reason()).startsWith("malformed JSON for FeedbackEvent");

        Envelope empty = DECODER.decode(Topics.INVOCATIONS, 0, 2, null, null, 1);
        assertThat(empty.deadLetter().reason()).isEqualTo("empty InvocationEvent record");
    }

    @Test
    void aRatingNoGatewayWouldSendIsADeadLetterBeforeItCanReplaceARealOne() {
        java.util.function.BiFunction<Integer, Double, dev.pilotlight.common.event.FeedbackEvent> rating = (score, seconds) ->
                new dev.pilotlight.common.event.FeedbackEvent(1, "f1", 5, "inv-1", "ann", "acme", dev.pilotlight.common.event.FeedbackEvent.Rating.UP,
                        null, null, seconds, score, null, "r", "1.0.0", null, null);
        for (var bad : Map.of("feedback: score 7 is outside 1-5", rating.apply(7, null), "feedback: score 0 is outside 1-5", rating.apply(0, null),
                "feedback: secondsSaved -5.0 is negative, not a number or more than a day", rating.apply(null, -5.0),
                "feedback: secondsSaved 90000.0 is negative, not a number or more than a day", rating.apply(null, 90_000.0)).entrySet()) {
            Envelope e = DECODER.decode(Topics.FEEDBACK, 0, 1, utf8("ann"), JsonCodec.encode(bad.getValue()), 5);
            assertThat(e.feedback()).isNull();
            assertThat(e.deadLetter().reason()).isEqualTo(bad.getKey());
        }
        assertThat(DECODER.decode(Topics.FEEDBACK, 0, 1, utf8("ann"), JsonCodec.encode(rating.apply(5, 600.0)), 5).feedback().score()).isEqualTo(5);
    }

    @Test
    void releaseStatesAndRuleSetsWithoutAValidSignatureAreDeadLetters() {
        ReleaseState forged = new ReleaseState(1, "claims-letter", "claims-letter", "0.0.1", null, null, 0, 99, 5, "admin:ops", null);
        Envelope unsigned = DECODER.decode(Topics.RELEASES, 0, 3, utf8("claims-letter"), JsonCodec.encode(forged), 1);
        assertThat(unsigned.release()).isNull();
        assertThat(unsigned.deadLetter().reason()).isEqualTo("release state has no signature");
        ReleaseState tampered = SIGNER.sign(forged).withSignature(SIGNER.sign(forged.withSignature(null)).signature().replace('a', 'b'));
        assertThat(DECODER.decode(Topics.RELEASES, 0, 4, null, JsonCodec.encode(tampered), 1).deadLetter().reason())
                .isEqualTo("release state signature does not match");
        RuleSetUpdate rules = new RuleSetUpdate(1, "v9", Map.of("r.yaml", "rules: []\n"), 5, "mallory");
        assertThat(DECODER.decode(Topics.RULES, 0, 0, null, JsonCodec.encode(rules), 1).deadLetter().reason())
                .isEqualTo("rule set has no signature");
        assertThat(DECODER.decode(Topics.RULES, 0, 1, null, JsonCodec.encode(SIGNER.sign(rules)), 1).rules().version()).isEqualTo("v9");
    }

    @Test
    void driftBaselinesMustBeSignedAndNeedNoEventTime() {
        dev.pilotlight.common.event.DriftBaseline b = new dev.pilotlight.common.event.DriftBaseline(1, "claims-letter", "pilot", 0, 10,
                java.util.List.of("1.0.0"), Map.of("output_tokens", Map.of("[128,181)", 40L)), 5, "mallory", null);
        assertThat(DECODER.decode(Topics.DRIFT_BASELINES, 0, 0, utf8("claims-letter"), JsonCodec.encode(b), 1).deadLetter().reason())
                .isEqualTo("drift baseline has no signature");
        dev.pilotlight.common.event.DriftBaseline signed = SIGNER.sign(b);
        dev.pilotlight.common.event.DriftBaseline inflated = new dev.pilotlight.common.event.DriftBaseline(1, "claims-letter", "pilot", 0, 10,
                java.util.List.of("1.0.0"), Map.of("output_tokens", Map.of("[128,181)", 4000L)), 5, "mallory", signed.signature());
        assertThat(DECODER.decode(Topics.DRIFT_BASELINES, 0, 1, null, JsonCodec.encode(inflated), 1).deadLetter().reason())
                .isEqualTo("drift baseline signature does not match");
        // a baseline is captured long before it is read again: its times are not event times to bound
        assertThat(DECODER.decode(Topics.DRIFT_BASELINES, 0, 2, null, JsonCodec.encode(signed), 1_800_000_000_000L).baseline())
                .isEqualTo(signed);
        assertThat(DECODER.decode(Topics.DRIFT_BASELINES, 0, 3, utf8("claims-letter"), null, 1)).isNull();
    }

    @Test
    void anEventTimeFarFromTheBrokersAppendTimeIsADeadLetter() {
        long appended = 1_800_000_000_000L;
        InvocationEvent ahead = InvocationEvent.builder().eventId("e").timestamp(appended + 86_400_000).gatewayId("g").route("r")
                .promptVersion("1.0.0").status(InvocationStatus.OK).build();
        Envelope e = DECODER.decode(Topics.INVOCATIONS, 0, 9, utf8("u"), JsonCodec.encode(ahead), appended);
        assertThat(e.invocation()).isNull();
        assertThat(e.deadLetter().reason()).contains("24 h ahead of the broker's append time").contains("tolerance 30.0 s");
        InvocationEvent old = InvocationEvent.builder().eventId("e2").timestamp(appended - 2 * 86_400_000L).gatewayId("g").route("r")
                .promptVersion("1.0.0").status(InvocationStatus.OK).build();
        assertThat(DECODER.decode(Topics.INVOCATIONS, 0, 10, null, JsonCodec.encode(old), appended).deadLetter().reason())
                .contains("before the broker's append time");
        InvocationEvent fine = InvocationEvent.builder().eventId("e3").timestamp(appended + 5_000).gatewayId("g").route("r")
                .promptVersion("1.0.0").status(InvocationStatus.OK).build();
        assertThat(DECODER.decode(Topics.INVOCATIONS, 0, 11, null, JsonCodec.encode(fine), appended).invocation()).isEqualTo(fine);
    }

    @Test
    void releaseTombstonesAreSkipped() {
        assertThat(DECODER.decode(Topics.RELEASES, 0, 9, utf8("p"), null, 1)).isNull();
    }
}
