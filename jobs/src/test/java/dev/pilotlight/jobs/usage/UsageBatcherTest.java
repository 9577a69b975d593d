package dev.pilotlight.jobs.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.jobs.usage.UsageInput.Kind;
import java.time.Duration;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Calls and active-day marks merge per route, tenant and day; every other input passes as it came; a merged mark reaches a tally as its users. */
class UsageBatcherTest {
    static final long DAY = 86_400_000;

    static void send(OneInputStreamOperatorTestHarness<UsageInput, UsageInput> h, UsageInput in) throws Exception {
        h.processElement(new StreamRecord<>(in, in.at()));
    }

    @Test
    void activeMarksMergePerRouteTenantAndDayAndOtherMarksPassAlone() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<>(new UsageBatcher(UsageSettings.defaults(), Duration.ofMillis(100)))) {
            h.open();
            h.setProcessingTime(0);
            send(h, UsageInput.mark(Kind.ACTIVE, "r", "ann", "acme", 1_000, 0, 0));
            send(h, UsageInput.mark(Kind.ACTIVE, "r", "bob", "acme", 2_000, 0, 0));
            send(h, UsageInput.mark(Kind.ACTIVE, "r", "cy", "globex", 2_500, 0, 0)); // another tenant
            send(h, UsageInput.mark(Kind.ACTIVE, "r", "dee", "acme", DAY + 1, 0, 0)); // another day
            send(h, UsageInput.mark(Kind.FIRST, "r", "ann", "acme", 1_000, 0, 0));
            assertThat(h.extractOutputValues()).extracting(UsageInput::kind).containsExactly(Kind.FIRST); // passes at once

            h.setProcessingTime(100);
            List<UsageInput> active = h.extractOutputValues().stream().filter(u -> u.kind() == Kind.ACTIVE).toList();
            assertThat(active).hasSize(3);
            assertThat(active.get(0).who()).containsExactly("ann", "bob");
            assertThat(active.get(0).at()).isEqualTo(2_000);
            assertThat(active.get(0).tenant()).isEqualTo("acme");
            assertThat(active.get(1).who()).containsExactly("cy");
            assertThat(active.get(2).who()).containsExactly("dee");
            assertThat(active.get(0).forTenant().who()).containsExactly("ann", "bob");
        }
    }
}
