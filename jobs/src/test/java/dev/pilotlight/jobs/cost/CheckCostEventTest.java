package dev.pilotlight.jobs.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.jobs.ingest.Envelope;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Only a believable cost is summed; anything else goes to guard.dlq with the reason. */
class CheckCostEventTest {

    static InvocationEvent.Builder ok() {
        return InvocationEvent.builder().eventId("e1").timestamp(1_000).userId("alice").tenant("acme").route("claims-letter")
                .promptVersion("1.0.0").model("sim-model").status(InvocationStatus.OK).inputTokens(100).outputTokens(50).costUsd(0.00005);
    }

    static List<String> refused(InvocationEvent e, CostSettings s) throws Exception {
        try (OneInputStreamOperatorTestHarness<Envelope, CostEntry> h = ProcessFunctionTestHarnesses.forProcessFunction(new CheckCostEvent(s))) {
            h.processElement(new StreamRecord<>(Envelope.of(e, 1_000), 1_000));
            var q = h.getSideOutput(CheckCostEvent.REFUSED);
            return q == null ? List.of() : q.stream().map(StreamRecord::getValue).map(DeadLetter::reason).toList();
        }
    }

    @Test
    void aGoodCallIsChargedToItsUserTenantRouteAndModel() throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(new CheckCostEvent(CostSettings.defaults()))) {
            h.processElement(new StreamRecord<>(Envelope.of(ok().build(), 1_000), 1_000));
            assertThat(h.extractOutputValues()).extracting(CostEntry::account)
                    .containsExactly("user:alice", "tenant:acme", "route:claims-letter", "model:sim-model");
            assertThat(h.extractOutputValues()).allSatisfy(c -> assertThat(c.micros()).isEqualTo(50));
        }
    }

    @Test
    void badCostsAreRefusedWithTheirReason() throws Exception {
        CostSettings d = CostSettings.defaults();
        assertThat(refused(ok().costUsd(-1).build(), d)).singleElement().asString().startsWith("cost: costUsd -1.0 is negative");
        assertThat(refused(ok().costUsd(5_000).build(), d)).singleElement().asString().contains("above max_cost_per_call_usd 100");
        assertThat(refused(ok().outputTokens(900_000_000).build(), d)).singleElement().asString().contains("above max_tokens_per_call");
        assertThat(refused(ok().costUsd(0).build(), d)).singleElement().asString().startsWith("cost: cost missing: 150 tokens");
        assertThat(refused(ok().model(null).build(), d)).singleElement().asString().contains("a cost or tokens but no model (unknown model)");
        assertThat(refused(ok().model("gpt-9").build(), CostSettings.parse("test", "known_models: sim-model, sim-mini")))
                .singleElement().asString().contains("unknown model 'gpt-9'");
        assertThat(refused(ok().costUsd(0).build(), CostSettings.parse("test", "free_models: sim-model"))).isEmpty();
        assertThat(refused(ok().build(), d)).isEmpty();
    }

    @Test
    void aRefusedCallCountsNoSpendButStillReachesTheAccounts() throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(new CheckCostEvent(CostSettings.defaults()))) {
            h.processElement(new StreamRecord<>(Envelope.of(ok().status(InvocationStatus.RATE_LIMITED).costUsd(0).inputTokens(0).outputTokens(0)
                    .model(null).build(), 1_000), 1_000));
            assertThat(h.extractOutputValues()).extracting(CostEntry::account).containsExactly("user:alice", "tenant:acme", "route:claims-letter");
            assertThat(h.extractOutputValues()).allSatisfy(c -> assertThat(c.calls() + c.micros()).isZero());
        }
    }
}
