package dev.pilotlight.jobs.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.cost.Quota;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.rules.RuleSet;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.common.rules.RuleSetUpdate;
import dev.pilotlight.jobs.alerting.ActiveRules;
import dev.pilotlight.jobs.alerting.GuardBroadcast;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Budgets are decided on the call that uses them up, once per period, and a period leaves nothing behind. */
class TrackSpendTest {
    /** In the future: a command for a period already over is not issued (it would reach the gateways expired). */
    static final long T0 = Instant.parse("2036-11-30T10:00:00Z").toEpochMilli();
    static final long DAY_END = Instant.parse("2036-12-01T00:00:00Z").toEpochMilli();
    static final String QUOTAS = """
            quotas:
              - id: user-daily
                scope: user
                period: day
                budget_usd: 1.00
                warn_at: [0.8]
                action: block
              - id: acme-monthly
                scope: tenant
                match: acme
                period: month
                calls: 5
                action: degrade
            """;

    static RuleSet rules(String yaml) {
        return RuleSetLoader.parse(Map.of("quotas.yaml", yaml));
    }

    static KeyedBroadcastOperatorTestHarness<String, CostEntry, GuardBroadcast, Alert> harness(CostSettings settings) throws Exception {
        return harness(settings, QUOTAS, Duration.ofDays(100_000), System.currentTimeMillis());
    }

    /** @param now the operator's processing time, which TrackSpend reads as "now" (the wall clock on a cluster) */
    static KeyedBroadcastOperatorTestHarness<String, CostEntry, GuardBroadcast, Alert> harness(CostSettings settings, String rules,
            Duration maxDecisionLag, long now) throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new TrackSpend(settings, new ActiveRules(rules(rules), 1), new CostCommands(maxDecisionLag)),
                CostEntry::account, Types.STRING, ActiveRules.RULES);
        h.setProcessingTime(now);
        return h;
    }

    static void spend(KeyedBroadcastOperatorTestHarness<String, CostEntry, GuardBroadcast, Alert> h, Quota.Scope scope, String entity,
                      double usd, long t) throws Exception {
        h.processElement(new StreamRecord<>(new CostEntry(CostEntry.account(scope, entity), scope, entity, t, Math.round(usd * 1e6), 1,
                "acme"), t));
    }

    static void watermark(KeyedBroadcastOperatorTestHarness<String, CostEntry, GuardBroadcast, Alert> h, long t) throws Exception {
        h.processWatermark(t);
        h.processBroadcastWatermark(t);
    }

    static List<ControlCommand> commands(KeyedBroadcastOperatorTestHarness<String, CostEntry, GuardBroadcast, Alert> h) {
        var q = h.getSideOutput(TrackSpend.COMMANDS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    static int keyedStateEntries(KeyedBroadcastOperatorTestHarness<String, CostEntry, GuardBroadcast, Alert> h) {
        return ((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    @Test
    void warnsAt80PercentThenBlocksUntilTheDayEndsOnTheCallThatUsesItUp() throws Exception {
        try (var h = harness(CostSettings.defaults())) {
            spend(h, Quota.Scope.USER, "alice", 0.50, T0);
            assertThat(h.extractOutputValues()).isEmpty();
            spend(h, Quota.Scope.USER, "alice", 0.35, T0 + 1_000);
            List<Alert> alerts = h.extractOutputValues();
            assertThat(alerts).singleElement().satisfies(a -> {
                assertThat(a.ruleId()).isEqualTo("user-daily");
                assertThat(a.labels()).containsEntry("level", "warning-80").containsEntry("userId", "alice");
                assertThat(a.tier()).isEqualTo(3);
                assertThat(a.value()).isCloseTo(0.85, org.assertj.core.data.Offset.offset(1e-9));
            });
            assertThat(commands(h)).isEmpty();
            spend(h, Quota.Scope.USER, "alice", 0.20, T0 + 2_000);
            spend(h, Quota.Scope.USER, "alice", 0.20, T0 + 3_000); // after the block: no second alert or command
            alerts = h.extractOutputValues();
            assertThat(alerts).hasSize(2);
            assertThat(alerts.get(1).labels()).containsEntry("level", "used-up").containsEntry("action", "block");
            assertThat(alerts.get(1).tier()).isEqualTo(2);
            ControlCommand c = commands(h).get(0);
            assertThat(commands(h)).hasSize(1);
            assertThat(c.type()).isEqualTo(CommandType.BLOCK_USER);
            assertThat(c.target()).isEqualTo("alice");
            assertThat(c.param("until")).isEqualTo(String.valueOf(DAY_END));
            assertThat(c.expiresAt()).isEqualTo(DAY_END);
            assertThat(alerts.get(1).commandId()).isEqualTo(c.commandId());
            assertThat(dev.pilotlight.common.control.CommandParams.problems(c.type(), c.params(), T0)).isEmpty(); // as if issued live at T0
        }
    }

    @Test
    void aTenantQuotaOfCallsDegradesEveryUserOfTheTenantAndOtherTenantsAreNotCounted() throws Exception {
        try (var h = harness(CostSettings.defaults())) {
            for (int i = 0; i < 4; i++) {
                spend(h, Quota.Scope.TENANT, "acme", 0.001, T0 + i);
                spend(h, Quota.Scope.TENANT, "globex", 0.001, T0 + i);
            }
            assertThat(commands(h)).isEmpty();
            spend(h, Quota.Scope.TENANT, "acme", 0.001, T0 + 10);
            ControlCommand c = commands(h).get(0);
            assertThat(c.type()).isEqualTo(CommandType.DEGRADE_USER);
            assertThat(c.target()).isEqualTo("acme");
            assertThat(c.params()).containsEntry("scope", "tenant")
                    .containsEntry("until", String.valueOf(DAY_END)); // T0 is the last day of November
        }
    }

    @Test
    void theDayEndResolvesItsAlertsAndStartsFromZeroAndTheMonthEndLeavesNoState() throws Exception {
        try (var h = harness(CostSettings.defaults())) {
            spend(h, Quota.Scope.USER, "alice", 1.50, T0);
            assertThat(commands(h)).hasSize(1);
            watermark(h, DAY_END);
            List<Alert> alerts = h.extractOutputValues();
            assertThat(alerts.get(alerts.size() - 1).state()).isEqualTo(Alert.State.RESOLVED);
            assertThat(alerts.get(alerts.size() - 1).alertId()).isEqualTo(alerts.get(0).alertId());
            spend(h, Quota.Scope.USER, "alice", 0.50, DAY_END + 1_000); // a new day, a new month: half the budget
            assertThat(h.extractOutputValues()).hasSize(alerts.size());
            watermark(h, Instant.parse("2037-01-01T00:00:00Z").toEpochMilli());
            assertThat(keyedStateEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void theEventOfANewDayBeforeTheWatermarkRollsTheDayOverItself() throws Exception {
        try (var h = harness(CostSettings.defaults())) {
            spend(h, Quota.Scope.USER, "bob", 0.90, T0);
            spend(h, Quota.Scope.USER, "bob", 0.90, DAY_END + 10); // 2036-12-01: its own day and month
            assertThat(commands(h)).isEmpty();
            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED,
                    Alert.State.FIRING);
        }
    }

    @Test
    void aQuotaPublishedAtRunTimeTakesOverOnTheNextCall() throws Exception {
        try (var h = harness(CostSettings.defaults())) {
            spend(h, Quota.Scope.USER, "carol", 0.30, T0);
            assertThat(commands(h)).isEmpty();
            String lower = QUOTAS.replace("budget_usd: 1.00", "budget_usd: 0.25").replace("action: block", "action: throttle\n    per_minute: 2");
            h.processBroadcastElement(new StreamRecord<>(GuardBroadcast.of(new RuleSetUpdate(1, "v2", Map.of("quotas.yaml", lower), T0, "test"))));
            spend(h, Quota.Scope.USER, "carol", 0.01, T0 + 1_000);
            assertThat(commands(h)).singleElement().satisfies(c -> {
                assertThat(c.type()).isEqualTo(CommandType.THROTTLE_USER);
                assertThat(c.param("perMinute")).isEqualTo("2");
            });
        }
    }

    @Test
    void aUsedUpQuotaIsIssuedAgainWithANewIdWhenTheEntityKeepsCalling() throws Exception {
        try (var h = harness(CostSettings.parse("test", "reissue_after: 1ms"))) {
            spend(h, Quota.Scope.USER, "dave", 1.10, T0);
            h.setProcessingTime(h.getProcessingTime() + 2); // reissue_after has passed
            spend(h, Quota.Scope.USER, "dave", 0, T0 + 1_000); // a refused call: no spend, still calling
            assertThat(commands(h)).hasSize(2);
            assertThat(commands(h).get(1).commandId()).isNotEqualTo(commands(h).get(0).commandId());
            assertThat(h.extractOutputValues()).hasSize(1); // one alert for the episode
        }
    }

    @Test
    void aTenantOnCourseToPassItsMonthlyBudgetIsToldTheDayItWillBeUsedUp() throws Exception {
        String quotas = """
                quotas:
                  - id: acme-month
                    scope: tenant
                    match: acme
                    period: month
                    budget_usd: 100
                    action: alert
                """;
        long nov1 = Instant.parse("2026-11-01T12:00:00Z").toEpochMilli();
        long day = 24 * 3_600_000L;
        try (var h = harness(CostSettings.defaults(), quotas, Duration.ofDays(100_000), System.currentTimeMillis())) {
            for (int d = 0; d < 3; d++) {
                spend(h, Quota.Scope.TENANT, "acme", 5.00, nov1 + d * day);
                spend(h, Quota.Scope.TENANT, "globex", 1.00, nov1 + d * day); // on course for $30: no alert
                watermark(h, nov1 + d * day + 12 * 3_600_000L);
            }
            // after three complete days: $15 spent, $5 a day, 27 days left: $150 forecast; 17 more days of $5 reach $100 on Nov 20
            Alert a = h.extractOutputValues().get(0);
            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(a.ruleId()).isEqualTo("spend-forecast");
            assertThat(a.labels()).containsEntry("tenant", "acme").containsEntry("quota", "acme-month");
            assertThat(a.value()).isCloseTo(15 + 5 * 27, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(a.threshold()).isEqualTo(100);
            assertThat(a.summary()).contains("on course for $150.00").contains("used up on 2026-11-20");
            spend(h, Quota.Scope.TENANT, "acme", 5.00, nov1 + 3 * day);
            watermark(h, nov1 + 3 * day + 12 * 3_600_000L);
            assertThat(h.extractOutputValues()).hasSize(1); // once a month
            watermark(h, DAY_END);
            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
            assertThat(keyedStateEntries(h)).isZero();
        }
    }

    @Test
    void aRouteIsThrottledOncePerEveningUntilBusinessHoursBeginAgain() throws Exception {
        String schedule = """
                schedules:
                  - id: letters-office-hours
                    route: claims-letter
                    business_days: [mon, tue, wed, thu, fri]
                    business_hours: 08:00-18:00
                    per_minute: 10
                """;
        long fri20 = Instant.parse("2036-11-28T20:00:00Z").toEpochMilli();
        long mon08 = Instant.parse("2036-12-01T08:00:00Z").toEpochMilli();
        try (var h = harness(CostSettings.defaults(), schedule, Duration.ofDays(100_000), System.currentTimeMillis())) {
            spend(h, Quota.Scope.ROUTE, "claims-letter", 0.01, fri20);
            spend(h, Quota.Scope.ROUTE, "claims-letter", 0.01, fri20 + 3_600_000); // the same weekend: nothing new
            spend(h, Quota.Scope.ROUTE, "claims-triage", 0.01, fri20); // another route: no schedule
            spend(h, Quota.Scope.ROUTE, "claims-letter", 0.01, mon08 + 3_600_000); // business hours
            assertThat(commands(h)).singleElement().satisfies(c -> {
                assertThat(c.type()).isEqualTo(CommandType.THROTTLE_USER);
                assertThat(c.target()).isEqualTo("claims-letter");
                assertThat(c.params()).containsEntry("scope", "route").containsEntry("perMinute", "10")
                        .containsEntry("until", String.valueOf(mon08));
                assertThat(c.expiresAt()).isEqualTo(mon08);
            });
            assertThat(h.extractOutputValues()).singleElement().satisfies(a -> {
                assertThat(a.tier()).isEqualTo(3);
                assertThat(a.summary()).contains("until business hours begin at 2036-12-01T08:00");
            });
            spend(h, Quota.Scope.ROUTE, "claims-letter", 0.01, mon08 + 11 * 3_600_000); // Monday 19:00
            assertThat(commands(h)).hasSize(2);
            assertThat(commands(h).get(1).param("until")).isEqualTo(String.valueOf(mon08 + 24 * 3_600_000));
        }
    }

    @Test
    void aQuotaUsedUpOnAStaleEventIsEnforcedOnTheNextFreshCallAndNeverForAPeriodAlreadyOver() throws Exception {
        long now = T0; // mid-morning: ten minutes ago is today too
        long day = 86_400_000L;
        try (var h = harness(CostSettings.defaults(), QUOTAS, Duration.ofMinutes(5), now)) {
            spend(h, Quota.Scope.USER, "erin", 1.50, now - 2 * day); // a backlog: two days ago, used up then, that day is over
            assertThat(commands(h)).isEmpty();
            assertThat(h.extractOutputValues()).extracting(a -> a.labels().get("level")).containsExactly("used-up");
            long staleToday = now - 10 * 60_000L; // today, but beyond the five minutes a decision may lag
            spend(h, Quota.Scope.USER, "frank", 1.50, staleToday);
            assertThat(commands(h)).isEmpty();
            spend(h, Quota.Scope.USER, "frank", 0.01, now); // frank calls again, now
            assertThat(commands(h)).singleElement().satisfies(c -> {
                assertThat(c.target()).isEqualTo("frank");
                assertThat(c.expiresAt()).isGreaterThan(now);
            });
        }
    }
}
