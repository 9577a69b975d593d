package dev.pilotlight.jobs.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.FeedbackEvent.Acceptance;
import dev.pilotlight.common.event.FeedbackEvent.Rating;
import dev.pilotlight.common.event.SchemaVersion;
import dev.pilotlight.common.rules.RuleSet;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.common.usage.Scorecard;
import dev.pilotlight.common.usage.Scorecard.Status;
import dev.pilotlight.common.usage.Scorecard.Verdict;
import dev.pilotlight.jobs.alerting.ActiveRules;
import dev.pilotlight.jobs.usage.UsageInput.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.commons.math3.stat.descriptive.moment.Mean;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * A route's figures, funnel and verdict as the scorecard publishes them, recomputed independently from what was sent;
 * the three verdicts; interventions as tier-3 alerts; nothing left once the route falls silent.
 */
class TallyRouteTest {
    static final long DAY = 86_400_000;
    static final long T0 = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli(); // a Monday
    static final String ROUTE = "claims-letter";
    static final UsageSettings S = UsageSettings.parse("test", """
            refresh: 1d
            min_feedback: 10
            labour_rates: acme=90
            """);
    static final List<String> ROSTER = IntStream.range(0, 10).mapToObj(i -> "u" + i).toList();

    static RuleSet rosterRules() {
        return RuleSetLoader.parse(Map.of("rosters.yaml", "rosters:\n  - route: " + ROUTE + "\n    invited: 2026-11-02\n    users: ["
                + String.join(", ", ROSTER) + "]\n"));
    }

    static KeyedBroadcastOperatorTestHarness<String, UsageInput, UsageControl, Scorecard> harness(RuleSet rules) throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(new TallyRoute(S, new ActiveRules(rules, 1)),
                UsageInput::scope, Types.STRING, ActiveRules.RULES, TallyRoute.SECURITY,
                TallyRoute.ACTIVE_USERS);
    }

    static void send(KeyedBroadcastOperatorTestHarness<String, UsageInput, UsageControl, Scorecard> h, UsageInput in) throws Exception {
        h.processElement(new StreamRecord<>(in, in.at()));
    }

    static UsageInput call(String user, long at) {
        return new UsageInput(Kind.CALL, ROUTE, user, "acme", at, 1, 0, 0.002, 0, null, null, null);
    }

    static UsageInput rating(String user, String tenant, long at, Acceptance a, Integer score, double seconds) {
        return new UsageInput(Kind.FEEDBACK, ROUTE, user, tenant, at, 1, 0, 0, seconds, score, a, a == Acceptance.REJECTED ? Rating.DOWN
                : Rating.UP);
    }

    static final Set<String> SEEN = new HashSet<>();
    static final Map<String, Integer> USES = new java.util.HashMap<>();
    static final Map<String, Long> FIRST_SEEN = new java.util.HashMap<>();

    /** One day of {@code users}: a call each (with the marks FollowUser would send), and a rating per user. */
    static void day(KeyedBroadcastOperatorTestHarness<String, UsageInput, UsageControl, Scorecard> h, int d, List<String> users,
                    double acceptedShare, int score) throws Exception {
        for (int i = 0; i < users.size(); i++) {
            long at = T0 + d * DAY + 3_600_000 + i * 60_000L;
            String u = users.get(i);
            if (SEEN.add(h.hashCode() + u)) {
                send(h, UsageInput.mark(Kind.FIRST, ROUTE, u, "acme", at, 0, 0));
                FIRST_SEEN.put(h.hashCode() + u, at);
            }
            long firstSeen = FIRST_SEEN.get(h.hashCode() + u);
            send(h, UsageInput.mark(Kind.ACTIVE, ROUTE, u, "acme", at, 0, 0));
            send(h, call(u, at));
            int uses = USES.merge(h.hashCode() + u, 1, Integer::sum);
            if (uses == S.regularUses()) {
                send(h, UsageInput.mark(Kind.REGULAR, ROUTE, u, "acme", firstSeen, uses, 0)); // milestones carry the first-seen time
            }
            if (uses == S.powerUses()) {
                send(h, UsageInput.mark(Kind.POWER, ROUTE, u, "acme", firstSeen, uses, 0));
            }
            boolean accepted = i < Math.round(users.size() * acceptedShare);
            send(h, rating(u, "acme", at + 1, accepted ? Acceptance.ACCEPTED : Acceptance.HEAVY_EDITS, score, 600));
        }
    }

    static void watermark(KeyedBroadcastOperatorTestHarness<String, UsageInput, UsageControl, Scorecard> h, long t) throws Exception {
        h.processWatermark(t);
        h.processBroadcastWatermark(t);
    }

    static Scorecard last(KeyedBroadcastOperatorTestHarness<String, UsageInput, UsageControl, Scorecard> h) {
        List<Scorecard> all = h.extractOutputValues();
        return all.get(all.size() - 1);
    }

    static Scorecard.Criterion criterion(Scorecard c, String name) {
        return c.criteria().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
    }

    static List<Alert> alerts(KeyedBroadcastOperatorTestHarness<String, UsageInput, UsageControl, Scorecard> h) {
        var q = h.getSideOutput(TallyRoute.ALERTS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void figuresMatchWhatWasSentRecomputedIndependently() throws Exception {
        try (var h = harness(rosterRules())) {
            List<Set<String>> daily = new ArrayList<>();
            List<Double> scores = new ArrayList<>();
            double seconds = 0;
            int accepted = 0;
            int answers = 0;
            for (int d = 0; d < 8; d++) {
                List<String> users = ROSTER.subList(0, 4 + d % 3); // 4 to 6 users a day
                day(h, d, users, 0.5, 3 + d % 2);
                daily.add(new HashSet<>(users));
                for (int i = 0; i < users.size(); i++) {
                    scores.add(3.0 + d % 2);
                    seconds += 600;
                    accepted += i < Math.round(users.size() * 0.5) ? 1 : 0;
                    answers++;
                }
            }
            send(h, call("outsider", T0 + 7 * DAY + 7_200_000)); // a call without feedback, not on the roster
            watermark(h, T0 + 8 * DAY);
            Scorecard c = last(h);
            assertThat(c.asOf()).isEqualTo(T0 + 8 * DAY);
            assertThat(c.usage().dau()).isEqualTo(daily.get(7).size());
            assertThat(c.usage().avgDau()).isCloseTo(new Mean().evaluate(daily.stream().mapToDouble(Set::size).toArray()), within(1e-9));
            assertThat(c.usage().wau()).isEqualTo(6);
            assertThat(c.usage().mau()).isEqualTo(6);
            assertThat(c.usage().calls()).isEqualTo(answers + 1);
            assertThat(c.usage().usesPerUserPerDay()).isCloseTo((answers + 1.0) / daily.stream().mapToInt(Set::size).sum(), within(1e-9));
            assertThat(c.quality().acceptanceRate()).isCloseTo((double) accepted / answers, within(1e-9));
            assertThat(c.quality().satisfaction()).isCloseTo(new Mean().evaluate(scores.stream().mapToDouble(x -> x).toArray()), within(1e-9));
            assertThat(c.value().valueUsd()).isCloseTo(seconds / 3600 * 90, within(1e-6)); // acme's labour rate
            assertThat(c.value().aiCostUsd()).isCloseTo((answers + 1) * 0.002, within(1e-9));
            assertThat(c.roster().invited()).isEqualTo(10);
            assertThat(c.roster().activated()).isEqualTo(6);
            long regular = ROSTER.stream().filter(u -> daily.stream().filter(d -> d.contains(u)).count() >= 4).count();
            assertThat(c.roster().regular()).isEqualTo((int) regular).isEqualTo(5); // u5 called on 2 days only
            assertThat(c.usage().activeTargetUsers()).isEqualTo(6);
            assertThat(criterion(c, "weekly_active").status()).isEqualTo(Status.SHORT);
            assertThat(c.roster().activationRate()).isEqualTo(0.6);
            assertThat(c.cohorts()).singleElement().satisfies(k -> assertThat(k.users()).isEqualTo(6));
        }
    }

    @Test
    void allCriteriaMetIsGo() throws Exception {
        try (var h = harness(rosterRules())) {
            for (int d = 0; d < 7; d++) {
                day(h, d, ROSTER, 0.8, 4);
            }
            watermark(h, T0 + 7 * DAY);
            Scorecard c = last(h);
            assertThat(c.criteria()).allSatisfy(x -> assertThat(x.status()).as(x.name() + ": " + x.evidence()).isEqualTo(Status.MET));
            assertThat(c.verdict()).isEqualTo(Verdict.GO);
            assertThat(criterion(c, "weekly_active").evidence()).isEqualTo("10 of 10 roster users called in the last 7 days");
        }
    }

    @Test
    void acceptanceBelowTheStopLineIsStop() throws Exception {
        try (var h = harness(rosterRules())) {
            for (int d = 0; d < 7; d++) {
                day(h, d, ROSTER, 0.3, 4);
            }
            watermark(h, T0 + 7 * DAY);
            Scorecard c = last(h);
            assertThat(criterion(c, "acceptance").status()).isEqualTo(Status.FAILED);
            assertThat(c.verdict()).isEqualTo(Verdict.STOP);
        }
    }

    @Test
    void withoutARosterWeeklyActiveCannotBeJudgedSoTheBestIsIterate() throws Exception {
        try (var h = harness(new RuleSet("none", List.of()))) {
            for (int d = 0; d < 7; d++) {
                day(h, d, ROSTER, 0.8, 4);
            }
            watermark(h, T0 + 7 * DAY);
            Scorecard c = last(h);
            assertThat(criterion(c, "weekly_active").status()).isEqualTo(Status.UNKNOWN);
            assertThat(criterion(c, "weekly_active").evidence()).contains("no roster");
            assertThat(c.roster()).isNull();
            assertThat(c.verdict()).isEqualTo(Verdict.ITERATE);
        }
    }

    @Test
    void anOpenCriticalSecurityAlertHoldsBackGoUntilResolved() throws Exception {
        try (var h = harness(rosterRules())) {
            Alert a = new Alert(SchemaVersion.CURRENT, "a1", "injection-burst-block-user", 1, Alert.State.FIRING, Map.of("team", "security",
                    "userId", "mallory"), 3, 3, T0, null, "injections", null, null, "v1");
            h.processBroadcastElement(new StreamRecord<>(UsageControl.of(a), T0));
            for (int d = 0; d < 7; d++) {
                day(h, d, ROSTER, 0.8, 4);
            }
            watermark(h, T0 + 7 * DAY);
            assertThat(criterion(last(h), "security").status()).isEqualTo(Status.SHORT);
            assertThat(last(h).verdict()).isEqualTo(Verdict.ITERATE);
            h.processBroadcastElement(new StreamRecord<>(UsageControl.of(a.resolved(T0 + 7 * DAY)), T0 + 7 * DAY));
            send(h, call("u1", T0 + 7 * DAY + 1_000));
            watermark(h, T0 + 8 * DAY);
            assertThat(last(h).verdict()).isEqualTo(Verdict.GO);
        }
    }

    @Test
    void lowActivationAfterTwoWeeksIsATierThreeAlertResolvedWhenItRecovers() throws Exception {
        try (var h = harness(rosterRules())) {
            List<String> few = ROSTER.subList(0, 5);
            for (int d = 0; d < 15; d++) {
                day(h, d, few, 0.8, 4);
            }
            watermark(h, T0 + 15 * DAY);
            assertThat(alerts(h)).singleElement().satisfies(a -> {
                assertThat(a.ruleId()).isEqualTo("adoption-activation-low");
                assertThat(a.tier()).isEqualTo(3);
                assertThat(a.value()).isEqualTo(0.5);
                assertThat(a.labels()).containsEntry("route", ROUTE);
            });
            assertThat(last(h).interventions()).singleElement().satisfies(s -> assertThat(s).contains("5 of 10 invited users"));
        }
    }

    @Test
    void triedOnceUsersAreListedUntilTheyReturn() throws Exception {
        try (var h = harness(rosterRules())) {
            send(h, call("u1", T0 + 1_000));
            send(h, UsageInput.mark(Kind.FIRST, ROUTE, "u1", "acme", T0 + 1_000, 0, 0));
            send(h, UsageInput.mark(Kind.TRIED_ONCE, ROUTE, "u1", "acme", T0 + 1_000, 1, 0));
            send(h, UsageInput.mark(Kind.TRIED_ONCE, ROUTE, "u2", "acme", T0 + 2_000, 1, 0));
            watermark(h, T0 + DAY);
            assertThat(last(h).triedOnce()).containsExactly("u2", "u1");
            send(h, UsageInput.mark(Kind.RETURNED, ROUTE, "u1", "acme", T0 + DAY + 1, 0, 0));
            watermark(h, T0 + 2 * DAY);
            assertThat(last(h).triedOnce()).containsExactly("u2");
            assertThat(last(h).cohorts().get(0).triedOnce()).isEqualTo(1);
        }
    }

    @Test
    void aRouteSilentLongerThanItsWindowLeavesNoStateOrTimer() throws Exception {
        try (var h = harness(rosterRules())) {
            day(h, 0, ROSTER, 0.8, 4);
            send(h, UsageInput.mark(Kind.TRIED_ONCE, ROUTE, "u3", "acme", T0 + 1_000, 1, 0));
            send(h, UsageInput.mark(Kind.SETTLED, ROUTE, "u3", "acme", T0 + 1_000, 1, 0));
            watermark(h, T0 + 40 * DAY);
            assertThat(((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend())
                    .numKeyValueStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    static byte[] sketchOf(java.util.stream.Stream<String> users) {
        org.apache.datasketches.hll.HllSketch h = dev.pilotlight.jobs.sketch.DistinctSketch.empty();
        users.forEach(h::update);
        return dev.pilotlight.jobs.sketch.DistinctSketch.encode(h);
    }

    @Test
    void aTenantsScorecardCountsItsOwnUsersAndAdoptionIsAShareOfUsersActiveAnywhere() throws Exception {
        try (var h = harness(rosterRules())) {
            day(h, 0, ROSTER, 0.8, 4); // the route across tenants: u0..u9
            for (int i = 0; i < 5; i++) { // acme's own tally: u0..u4
                send(h, UsageInput.mark(Kind.ACTIVE, ROUTE, "u" + i, "acme", T0 + 3_600_000 + i, 0, 0).forTenant());
                send(h, call("u" + i, T0 + 3_600_000 + i).forTenant());
            }
            // users active on any route: acme u0..u9 and x0..x9; globex g0..g14 and u0..u4 (a user of two tenants)
            byte[] acme = sketchOf(IntStream.range(0, 10).mapToObj(i -> "u" + i).flatMap(u -> java.util.stream.Stream.of(u, "x" + u.substring(1))));
            byte[] globex = sketchOf(java.util.stream.Stream.concat(IntStream.range(0, 15).mapToObj(i -> "g" + i),
                    IntStream.range(0, 5).mapToObj(i -> "u" + i)));
            h.processBroadcastElement(new StreamRecord<>(UsageControl.of(new ActiveUsers("acme", T0 + DAY, acme, acme)), T0 + DAY));
            h.processBroadcastElement(new StreamRecord<>(UsageControl.of(new ActiveUsers("globex", T0 + DAY, globex, globex)), T0 + DAY));
            watermark(h, T0 + DAY);

            List<Scorecard> cards = h.extractOutputValues();
            Scorecard route = cards.stream().filter(c -> c.tenant() == null).reduce((a, b) -> b).orElseThrow();
            Scorecard tenant = cards.stream().filter(c -> "acme".equals(c.tenant())).reduce((a, b) -> b).orElseThrow();
            assertThat(route.key()).isEqualTo(ROUTE);
            assertThat(route.adoption().activeAnyRouteWeekly()).isEqualTo(35); // 20 + 20, u0..u4 once
            assertThat(route.adoption().weeklyShare()).isCloseTo(10 / 35.0, within(1e-9));
            assertThat(tenant.key()).isEqualTo(ROUTE + "|acme");
            assertThat(tenant.usage().wau()).isEqualTo(5);
            assertThat(tenant.usage().calls()).isEqualTo(5);
            assertThat(tenant.adoption().activeAnyRouteWeekly()).isEqualTo(20);
            assertThat(tenant.adoption().monthlyShare()).isCloseTo(5 / 20.0, within(1e-9));
            // rosters and interventions are the route's
            assertThat(tenant.roster()).isNull();
            assertThat(criterion(tenant, "weekly_active").status()).isEqualTo(Status.UNKNOWN);
            assertThat(tenant.interventions()).isEmpty();
            assertThat(route.roster()).isNotNull();
            // so are the platform and build costs: a tenant's ROI is its marginal return
            assertThat(tenant.value().roi().method()).startsWith("the tenant's marginal return");
            assertThat(tenant.value().roi().netExpectedUsd()).isCloseTo(3 * 365 * (tenant.value().valueUsd() - tenant.value().aiCostUsd()),
                    within(1e-6));

            // a tenant told gone no longer counts
            h.processBroadcastElement(new StreamRecord<>(UsageControl.of(new ActiveUsers("globex", T0 + 2 * DAY, null, null)), T0 + 2 * DAY));
            watermark(h, T0 + 2 * DAY);
            Scorecard later = h.extractOutputValues().stream().filter(c -> c.tenant() == null).reduce((a, b) -> b).orElseThrow();
            assertThat(later.adoption().activeAnyRouteWeekly()).isEqualTo(20);
        }
    }

    @Test
    void mergedActiveMarksCountEachUserAndTheirRosterProgress() throws Exception {
        try (var h = harness(rosterRules())) {
            for (String u : List.of("u0", "u1", "x9")) {
                send(h, UsageInput.mark(Kind.FIRST, ROUTE, u, "acme", T0 + 1_000, 0, 0));
            }
            send(h, UsageInput.active(ROUTE, "acme", T0 + 2_000, new String[] {"u0", "u1", "x9"}));
            watermark(h, T0 + DAY);
            Scorecard c = last(h);
            assertThat(c.usage().dau()).isEqualTo(3);
            assertThat(c.usage().activeTargetUsers()).isEqualTo(2); // u0 and u1 are on the roster, x9 is not
        }
    }
}
