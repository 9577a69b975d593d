package dev.pilotlight.jobs.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.jobs.usage.UsageInput.Kind;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Each user's milestones are told once, at the call or the deadline that decides them, and a silent user is forgotten. */
class FollowUserTest {
    static final long T0 = Instant.parse("2026-11-02T09:00:00Z").toEpochMilli(); // a Monday
    static final long MIN = 60_000;
    static final long DAY = 86_400_000;

    static KeyedOneInputStreamOperatorTestHarness<String, UserCall, UsageInput> harness() throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(new FollowUser(UsageSettings.defaults()), UserCall::user,
                Types.STRING);
    }

    static InvocationEvent call(String user, String route, long end) {
        return InvocationEvent.builder().eventId(user + end).timestamp(end).userId(user).tenant("acme").route(route).promptVersion("1.0.0")
                .status(InvocationStatus.OK).latencyMs(2_000).costUsd(0.001).build();
    }

    static void send(KeyedOneInputStreamOperatorTestHarness<String, UserCall, UsageInput> h, InvocationEvent e) throws Exception {
        h.processElement(new StreamRecord<>(UserCall.of(e), e.timestamp()));
    }

    static List<Kind> kinds(KeyedOneInputStreamOperatorTestHarness<String, UserCall, UsageInput> h) {
        List<Kind> out = h.extractOutputValues().stream().map(UsageInput::kind).toList();
        h.getOutput().clear();
        return out;
    }

    static int stateEntries(KeyedOneInputStreamOperatorTestHarness<String, UserCall, UsageInput> h) {
        return ((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    @Test
    void firstCallNewDaysRegularAndPowerAreToldOnceEach() throws Exception {
        try (var h = harness()) {
            send(h, call("ann", "claims-letter", T0));
            assertThat(kinds(h)).containsExactly(Kind.FIRST, Kind.ACTIVE);
            for (int i = 1; i < 3; i++) {
                send(h, call("ann", "claims-letter", T0 + i * MIN));
            }
            assertThat(kinds(h)).isEmpty(); // same day, same session
            send(h, call("ann", "claims-letter", T0 + DAY));
            assertThat(kinds(h)).containsExactly(Kind.SESSION, Kind.ACTIVE, Kind.REGULAR); // the 4th use, a new day and session
            for (int i = 5; i <= 20; i++) {
                send(h, call("ann", "claims-letter", T0 + DAY + i * MIN));
            }
            assertThat(kinds(h)).containsExactly(Kind.POWER);
            send(h, call("ann", "claims-triage", T0 + DAY + 30 * MIN));
            assertThat(kinds(h)).containsExactly(Kind.FIRST, Kind.ACTIVE); // another route is another funnel
        }
    }

    @Test
    void aSessionLastsFromTheFirstCallsStartToTheLastCallsEnd() throws Exception {
        try (var h = harness()) {
            send(h, call("ann", "r", T0));
            send(h, call("ann", "r", T0 + 20 * MIN));
            h.processWatermark(T0 + 20 * MIN + 30 * MIN); // the gap has passed
            List<UsageInput> out = h.extractOutputValues();
            UsageInput session = out.stream().filter(u -> u.kind() == Kind.SESSION).findFirst().orElseThrow();
            assertThat(session.seconds()).isEqualTo((20 * MIN + 2_000) / 1000.0); // from T0 - 2 s latency to T0 + 20 min
        }
    }

    @Test
    void oneSessionInTheFirstWeekIsTriedOnceUntilTheUserComesBack() throws Exception {
        try (var h = harness()) {
            send(h, call("bob", "r", T0));
            send(h, call("bob", "r", T0 + MIN));
            h.processWatermark(T0 + 7 * DAY);
            assertThat(kinds(h)).containsExactly(Kind.FIRST, Kind.ACTIVE, Kind.SESSION, Kind.TRIED_ONCE);
            send(h, call("bob", "r", T0 + 10 * DAY));
            assertThat(kinds(h)).containsExactly(Kind.ACTIVE, Kind.RETURNED);
        }
    }

    @Test
    void twoSessionsInTheFirstWeekAreNotTriedOnce() throws Exception {
        try (var h = harness()) {
            send(h, call("cy", "r", T0));
            send(h, call("cy", "r", T0 + 3 * DAY));
            h.processWatermark(T0 + 8 * DAY);
            assertThat(kinds(h)).doesNotContain(Kind.TRIED_ONCE);
        }
    }

    @Test
    void theMonthSettlesWithItsUsesAndLaterCallsDoNotCount() throws Exception {
        try (var h = harness()) {
            send(h, call("dee", "r", T0));
            send(h, call("dee", "r", T0 + 2 * DAY));
            send(h, call("dee", "r", T0 + 31 * DAY)); // after the first month: active, but not a first-month use
            h.processWatermark(T0 + 31 * DAY + MIN);
            UsageInput settled = h.extractOutputValues().stream().filter(u -> u.kind() == Kind.SETTLED).findFirst().orElseThrow();
            assertThat(settled.count()).isEqualTo(2);
        }
    }

    @Test
    void aSilentUserIsForgottenWithNoStateOrTimerLeft() throws Exception {
        try (var h = harness()) {
            send(h, call("eve", "r", T0));
            send(h, call("eve", "other", T0 + DAY));
            assertThat(h.numEventTimeTimers()).isEqualTo(1); // one per user, at the earliest deadline
            h.processWatermark(T0 + 200 * DAY);
            assertThat(stateEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            send(h, call("eve", "r", T0 + 201 * DAY));
            assertThat(kinds(h)).contains(Kind.FIRST); // coming back after forget_after_days starts a new cohort
        }
    }

    @Test
    void eachDayOnAnyRouteIsToldOnceWithItsTenantAndMarksCarryTheTenant() throws Exception {
        try (var h = harness()) {
            send(h, call("ann", "claims-letter", T0));
            send(h, call("ann", "claims-notes", T0 + MIN)); // same day, another route: not again
            send(h, call("ann", "claims-letter", T0 + DAY));
            send(h, callFor("ann", "claims-letter", T0 + DAY + MIN, "globex")); // same day, calling for another tenant
            assertThat(h.getSideOutput(FollowUser.ANYWHERE)).extracting(r -> r.getValue().tenant() + "@" + r.getValue().at())
                    .containsExactly("acme@" + T0, "acme@" + (T0 + DAY), "globex@" + (T0 + DAY + MIN));
            assertThat(h.extractOutputValues()).filteredOn(u -> u.kind() == Kind.FIRST).extracting(UsageInput::tenant)
                    .containsExactly("acme", "acme");
            assertThat(h.extractOutputValues()).extracting(UsageInput::perTenant).containsOnly(false);
        }
    }

    static InvocationEvent callFor(String user, String route, long end, String tenant) {
        return InvocationEvent.builder().eventId(user + end).timestamp(end).userId(user).tenant(tenant).route(route).promptVersion("1.0.0")
                .status(InvocationStatus.OK).latencyMs(2_000).costUsd(0.001).build();
    }
}
