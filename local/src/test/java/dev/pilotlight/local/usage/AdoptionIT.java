package dev.pilotlight.local.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.FeedbackEvent.Acceptance;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.common.usage.Scorecard;
import dev.pilotlight.common.usage.Scorecard.Status;
import dev.pilotlight.common.usage.Scorecard.Verdict;
import dev.pilotlight.local.stack.GuardJobFixture;
import dev.pilotlight.testkit.Fixtures;
import dev.pilotlight.testkit.kafka.TopicReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.commons.math3.stat.descriptive.moment.Mean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage module on a real broker and a MiniCluster: a month of three pilots seeded as gateways would have sent
 * it (the job accepts events up to 40 days old here), one per verdict: a rostered route everyone uses and likes (GO),
 * a route without a roster and middling acceptance (ITERATE), a rostered route whose answers are mostly rejected (STOP).
 * Users belong to two tenants and some use two routes. Each scorecard's figures (the route's and each tenant's, and
 * feature adoption) are recomputed here from the events sent; a re-rating replaces the first rating; a score no gateway
 * would accept goes to guard.dlq; a flood of ratings of answers the rater never received is excluded.
 */
class AdoptionIT {
    private static final long DAY = 86_400_000L;
    /** Thirty days ending yesterday. */
    private static final long DAY0 = LocalDate.now(ZoneOffset.UTC).minusDays(31).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    private static final long END = DAY0 + 30 * DAY;
    private static final int USERS = 10;
    private static GuardJobFixture fx;
    private static KafkaProducer<String, byte[]> producer;
    /** Every rating sent, as the job should count it (the last per invocation). */
    private static final Map<String, List<FeedbackEvent>> COUNTED = Map.of("go-route", new ArrayList<>(), "iterate-route",
            new ArrayList<>(), "stop-route", new ArrayList<>());
    private static final Map<String, Double> RATES = Map.of("acme", 90.0, "globex", 60.0);
    /** Every call sent: route, tenant, user. */
    private static final List<List<String>> CALLS = new ArrayList<>();

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        String roster = "rosters:\n" + List.of("go-route", "stop-route").stream().map(r -> "  - route: " + r + "\n    invited: "
                + LocalDate.ofEpochDay(DAY0 / DAY) + "\n    users: [" + String.join(", ", users(r)) + "]\n").reduce("", String::concat);
        Path rules = Fixtures.alertRulesWith(dir.resolve("rules"), Map.of("rosters.yaml", roster));
        Path settings = Files.writeString(dir.resolve("usage.yaml"), "refresh: 1d\nmin_feedback: 20\nlabour_rates: acme=90,globex=60\n");
        fx = GuardJobFixture.start(rules, dir, "adoption-key-adoption-key-adoption-0123", AdoptionIT::seed, "--modules", "usage", "--backlog-idleness", "5s",
                "--max-event-age", "40d", "--idleness", "1s", "--usage-settings", settings.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    /** A route's users; the first four of iterate-route also use go-route. */
    static List<String> users(String route) {
        return IntStream.range(0, USERS).mapToObj(i -> (route.equals("iterate-route") && i < 4 ? "go" : route.substring(0, 2)) + "-u" + i)
                .toList();
    }

    /** Even users are acme's, odd ones globex's. */
    static String tenant(int i) {
        return i % 2 == 0 ? "acme" : "globex";
    }

    /** In time order, day by day: each user calls once a day and rates the answer half a minute later. */
    static void seed(KafkaProducer<String, byte[]> producer) {
        AdoptionIT.producer = producer;
        for (int d = 0; d < 30; d++) {
            for (String route : List.of("go-route", "iterate-route", "stop-route")) {
                for (int i = 0; i < USERS; i++) {
                    long at = DAY0 + d * DAY + 9 * 3_600_000L + i * 60_000L;
                    String user = users(route).get(i);
                    String id = route + "-" + d + "-" + i;
                    CALLS.add(List.of(route, tenant(i), user));
                    send(Topics.INVOCATIONS, user, InvocationEvent.builder().eventId(id).timestamp(at).gatewayId("gw-seed").tenant(tenant(i))
                            .userId(user).route(route).promptVersion("1.0.0").model("sim-model").status(InvocationStatus.OK)
                            .latencyMs(1_000).inputTokens(100).outputTokens(100).costUsd(0.002).build());
                    rate(route, id, user, at + 30_000, d, i);
                }
            }
        }
        // one user active on the month's last day only, on a fourth route: counted in the last day's adoption figures
        // (not the day before's), so a tally judging before the active-user counts of its tick reached it would miss them
        long lastDay = DAY0 + 29 * DAY + 10 * 3_600_000L;
        CALLS.add(List.of("other-route", "acme", "late-u0"));
        send(Topics.INVOCATIONS, "late-u0", InvocationEvent.builder().eventId("late-0").timestamp(lastDay).gatewayId("gw-seed").tenant("acme")
                .userId("late-u0").route("other-route").promptVersion("1.0.0").model("sim-model").status(InvocationStatus.OK)
                .latencyMs(1_000).inputTokens(100).outputTokens(100).costUsd(0.002).build());
        // someone with write access to llm.feedback floods go-route with rejections of answers they never received
        for (int i = 0; i < 40; i++) {
            send(Topics.FEEDBACK, "ghost", new FeedbackEvent(1, "ghost-" + i, END - DAY + 36_000_000L + i * 1_000, "go-route-29-" + (i % USERS),
                    "ghost", "acme", FeedbackEvent.Rating.DOWN, Acceptance.REJECTED, null, 0.0, 1, null, "go-route", "1.0.0", null, null));
        }
        // a score no gateway accepts: refused, not counted
        send(Topics.FEEDBACK, "go-u1", new FeedbackEvent(1, "bad-score", END - DAY + 40_000_000, "go-route-29-1", "go-u1", "acme",
                FeedbackEvent.Rating.UP, null, null, null, 9, null, "go-route", "1.0.0", null, null));
    }

    static void rate(String route, String id, String user, long at, int d, int i) {
        boolean used = switch (route) {
            case "go-route" -> (d + i) % 5 != 0;          // 80%
            case "iterate-route" -> (d * USERS + i) % 20 < 11; // 55%
            default -> (d * USERS + i) % 10 < 3;          // 30%
        };
        int score = switch (route) {
            case "go-route" -> 4 + (i % 2);
            case "iterate-route" -> 3;
            default -> 2;
        };
        FeedbackEvent f = new FeedbackEvent(1, "f-" + id, at, id, user, tenant(i), used ? FeedbackEvent.Rating.UP : FeedbackEvent.Rating.DOWN,
                used ? Acceptance.ACCEPTED : Acceptance.HEAVY_EDITS, null, route.equals("stop-route") ? 60.0 : 600.0, score, null, route,
                "1.0.0", "production", "sim-model");
        if (route.equals("go-route") && d == 29 && i == 0) { // rated, then re-rated: only the second counts
            send(Topics.FEEDBACK, user, new FeedbackEvent(1, "f0-" + id, at - 10_000, id, user, tenant(i), FeedbackEvent.Rating.DOWN,
                    Acceptance.REJECTED, null, 0.0, 1, null, route, "1.0.0", "production", "sim-model"));
        }
        send(Topics.FEEDBACK, user, f);
        if (d >= 2) { // the scorecard window: the last 28 days
            COUNTED.get(route).add(f);
        }
    }

    static void send(String topic, String key, Object event) {
        producer.send(new ProducerRecord<>(topic, key, JsonCodec.encode(event)));
    }

    /** The scorecard each route published at the end of the month's last day. */
    static Scorecard card(String route) {
        return card(route, null);
    }

    /** The scorecard of a route (tenant null) or of one of its tenants at the end of the month's last day. */
    static Scorecard card(String route, String tenant) {
        return TopicReader.find(fx.bootstrap(), Topics.SCORECARDS, r -> {
            Scorecard c = JsonCodec.decode(r.value(), Scorecard.class);
            return c.route().equals(route) && java.util.Objects.equals(c.tenant(), tenant) && c.asOf() == END
                    && r.key().equals(Scorecard.key(route, tenant));
        }, Duration.ofSeconds(90)).map(r -> JsonCodec.decode(r.value(), Scorecard.class)).orElseThrow();
    }

    static Scorecard.Criterion criterion(Scorecard c, String name) {
        return c.criteria().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
    }

    static void assertQualityRecomputed(Scorecard c) {
        List<FeedbackEvent> rated = COUNTED.get(c.route()).stream().filter(f -> c.tenant() == null || c.tenant().equals(f.tenant())).toList();
        int users = c.tenant() == null ? USERS : USERS / 2;
        double accepted = rated.stream().filter(f -> f.acceptance() == Acceptance.ACCEPTED).count();
        assertThat(c.quality().acceptanceAnswers()).isEqualTo(rated.size());
        assertThat(c.quality().acceptanceRate()).isCloseTo(accepted / rated.size(), within(1e-9));
        assertThat(c.quality().satisfaction()).isCloseTo(new Mean().evaluate(rated.stream().mapToDouble(FeedbackEvent::score).toArray()),
                within(1e-9));
        double seconds = rated.stream().mapToDouble(FeedbackEvent::secondsSaved).sum();
        assertThat(c.value().secondsSaved()).isCloseTo(seconds, within(1e-6));
        assertThat(c.value().valueUsd()).isCloseTo(rated.stream().mapToDouble(f -> f.secondsSaved() / 3600 * RATES.get(f.tenant())).sum(),
                within(1e-6)); // each tenant's time at its own labour rate
        assertThat(c.value().aiCostUsd()).isCloseTo(28 * users * 0.002, within(1e-9));
        assertThat(c.usage().calls()).isEqualTo(28 * users);
        assertThat(c.usage().dau()).isEqualTo(users);
        assertThat(c.usage().mau()).isEqualTo(users);
        assertThat(c.usage().usesPerUserPerDay()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void aRosteredPilotEveryoneUsesAndLikesIsGo() {
        Scorecard c = card("go-route");
        assertQualityRecomputed(c);
        assertThat(c.criteria()).allSatisfy(x -> assertThat(x.status()).as(x.name() + ": " + x.evidence()).isEqualTo(Status.MET));
        assertThat(c.verdict()).isEqualTo(Verdict.GO);
        assertThat(c.roster().invited()).isEqualTo(USERS);
        assertThat(c.roster().activatedInWindow()).isEqualTo(USERS);
        assertThat(c.roster().regular()).isEqualTo(USERS);
        assertThat(c.roster().power()).isEqualTo(USERS); // 30 calls each in the first month
        assertThat(c.daily()).hasSize(28).isSortedAccordingTo(Comparator.comparingLong(Scorecard.Day::start));
        assertThat(c.value().roi().netExpectedUsd()).isPositive();
    }

    @Test
    void withoutARosterAndMiddlingAcceptanceIsIterate() {
        Scorecard c = card("iterate-route");
        assertQualityRecomputed(c);
        assertThat(criterion(c, "weekly_active").status()).isEqualTo(Status.UNKNOWN);
        assertThat(criterion(c, "acceptance").status()).isEqualTo(Status.SHORT);
        assertThat(c.verdict()).isEqualTo(Verdict.ITERATE);
    }

    @Test
    void mostlyRejectedAnswersAreStop() {
        Scorecard c = card("stop-route");
        assertQualityRecomputed(c);
        assertThat(criterion(c, "acceptance").status()).isEqualTo(Status.FAILED);
        assertThat(criterion(c, "satisfaction").status()).isEqualTo(Status.FAILED);
        assertThat(c.verdict()).isEqualTo(Verdict.STOP);
    }

    @Test
    void aRaterOfAnswersTheyNeverReceivedIsExcludedAndReported() {
        // the go-route scorecard's figures equal the honest users' ratings alone (aRosteredPilotEveryoneUsesAndLikesIsGo:
        // 280 answers, not 320)
        assertThat(TopicReader.find(fx.bootstrap(), Topics.ALERTS, r -> {
            dev.pilotlight.common.event.Alert a = JsonCodec.decode(r.value(), dev.pilotlight.common.event.Alert.class);
            return a.ruleId().equals("feedback-poisoning") && "ghost".equals(a.labels().get("userId"));
        }, Duration.ofSeconds(60)).map(r -> JsonCodec.decode(r.value(), dev.pilotlight.common.event.Alert.class).summary()))
                .hasValueSatisfying(s -> assertThat(s).contains("40 ratings against 0 calls"));
        // all 40 arrived before their window was judged: they passed, and were taken back (the counts above prove it);
        // a rating arriving after the judgement would be a dead letter (ScreenRatersTest)
    }

    @Test
    void aScoreNoGatewayAcceptsIsADeadLetterWithItsReason() {
        assertThat(TopicReader.find(fx.bootstrap(), Topics.DLQ, r -> JsonCodec.decode(r.value(), DeadLetter.class).payload().contains("bad-score"),
                Duration.ofSeconds(60)).map(r -> JsonCodec.decode(r.value(), DeadLetter.class).reason())).contains("feedback: score 9 is outside 1-5");
    }

    @Test
    void eachTenantHasItsOwnFiguresAndAdoptionIsAShareOfTheUsersActiveOnAnyRoute() {
        for (String route : List.of("go-route", "iterate-route", "stop-route")) {
            Scorecard all = card(route);
            // every user called every day: weekly and monthly active users are the same sets here
            long anyRoute = CALLS.stream().map(c -> c.get(2)).distinct().count();
            long onRoute = CALLS.stream().filter(c -> c.get(0).equals(route)).map(c -> c.get(2)).distinct().count();
            assertThat(all.adoption().activeAnyRouteMonthly()).isEqualTo(anyRoute);
            assertThat(all.adoption().activeAnyRouteWeekly()).isEqualTo(anyRoute);
            assertThat(all.adoption().monthlyShare()).isCloseTo((double) onRoute / anyRoute, within(1e-9));
            for (String tenant : List.of("acme", "globex")) {
                Scorecard t = card(route, tenant);
                assertQualityRecomputed(t);
                long tenantAny = CALLS.stream().filter(c -> c.get(1).equals(tenant)).map(c -> c.get(2)).distinct().count();
                long tenantOnRoute = CALLS.stream().filter(c -> c.get(1).equals(tenant) && c.get(0).equals(route)).map(c -> c.get(2))
                        .distinct().count();
                assertThat(t.adoption().activeAnyRouteWeekly()).as(route + "|" + tenant).isEqualTo(tenantAny);
                assertThat(t.adoption().weeklyShare()).isCloseTo((double) tenantOnRoute / tenantAny, within(1e-9));
                assertThat(t.roster()).isNull(); // rosters are the route's
            }
        }
        assertThat(card("go-route", "acme").verdict()).isEqualTo(Verdict.ITERATE); // weekly active cannot be judged per tenant
        assertThat(card("stop-route", "globex").verdict()).isEqualTo(Verdict.STOP);
    }
}
