package dev.pilotlight.local.scenario;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.FeedbackEvent.Acceptance;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.common.usage.Roster;
import dev.pilotlight.common.usage.Scorecard;
import dev.pilotlight.jobs.usage.UsageSettings;
import dev.pilotlight.local.stack.EmbeddedStack;
import dev.pilotlight.local.usage.UsageReports;
import dev.pilotlight.reports.ReportPage;
import java.nio.file.Path;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.http.GatewayClient;
import dev.pilotlight.testkit.kafka.TopicReader;
import dev.pilotlight.testkit.upstream.FaultProfile;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Scenario {@code adoption}: a pilot's month on route {@code claims-notes}, played in a minute (the demo's usage day is
 * 2 s, config/usage.demo.yaml), through the gateway: 25 roster users (alert-rules/rosters.yaml) with six habits and three
 * users outside the roster call and rate answers as {@link PilotMonth} plans. At the month's end the route's scorecard
 * (guard.scorecards) must show the funnel, tried-once users, acceptance and satisfaction exactly as recomputed here from
 * what the gateway answered, and the verdict ITERATE (acceptance ~55% and satisfaction ~3.3: promising, below target).
 */
public final class AdoptionScenario {
    public static final String NAME = "adoption";
    static final String ROUTE = "claims-notes";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(String scenario, boolean passed, String verdict, int invited, int activatedInWindow, int regular, int power,
                         List<String> triedOnce, Double acceptanceRate, Double satisfaction, Double adoptionWeekly,
                         Map<String, String> tenantVerdicts, long calls, long ratings, String readinessReport, String weeklyReport, String reason) {}

    /** A call the gateway answered, and the rating sent for it. */
    record Served(int user, long at, PilotMonth.Rating rating) {}

    private final EmbeddedStack stack;
    private final UsageSettings usage;
    private final PrintStream out;

    public AdoptionScenario(EmbeddedStack stack, UsageSettings usage, PrintStream out) {
        this.stack = stack;
        this.usage = usage;
        this.out = out;
    }

    public Result run() throws Exception {
        Roster roster = RuleSetLoader.load(stack.rulesDir()).rosters().stream().filter(r -> r.route().equals(ROUTE)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the rules lack a roster for " + ROUTE + " (alert-rules/rosters.yaml)"));
        String served = stack.gateway().releases().current(ROUTE).map(r -> r.productionVersion()).orElse("0.9.0");
        stack.upstream().setVersionProfile(served, FaultProfile.HEALTHY);
        List<PilotMonth.Call> plan = PilotMonth.plan(42);
        long day = usage.dayMs();
        long start = (System.currentTimeMillis() / day + 2) * day; // a day boundary, a little ahead
        ScenarioTimeline timeline = new ScenarioTimeline(NAME, start);
        timeline.note(start, "the month begins: " + plan.size() + " calls planned for " + roster.users().size() + " roster users and 3 others, "
                + usage.day().toMillis() + " ms a day");
        ConcurrentLinkedQueue<Served> log = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        GatewayClient client = new GatewayClient(stack.gateway().baseUrl());
        ScheduledExecutorService pool = Executors.newScheduledThreadPool(8, DaemonThreads.named("adoption-month"));
        try {
            for (PilotMonth.Call c : plan) {
                long at = start + c.day() * day + Math.round(c.at() * day);
                pool.schedule(() -> call(client, c, log, failures), at - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
            }
            long end = start + PilotMonth.DAYS * day;
            Deadline.in(Duration.ofMillis(end - System.currentTimeMillis() + 5_000)).await(() -> log.size() + failures.size() == plan.size());
        } finally {
            pool.shutdownNow();
        }
        long end = start + PilotMonth.DAYS * day;
        timeline.note(end, "the month ends: " + log.size() + " calls answered, " + log.stream().filter(s -> s.rating() != null).count() + " rated");
        Optional<Scorecard> card = scorecard(null, end, Duration.ofSeconds(30));
        card.ifPresent(c -> timeline.note(System.currentTimeMillis(), "scorecard of " + ROUTE + " at the month's end: " + c.verdict()));
        timeline.print(out);
        return judge(card, List.copyOf(log), List.copyOf(failures), roster, start, end);
    }

    private static void call(GatewayClient client, PilotMonth.Call c, ConcurrentLinkedQueue<Served> log, ConcurrentLinkedQueue<String> failures) {
        try {
            String key = DemoKeys.PILOT_USERS.get(c.user());
            GatewayClient.Response r = client.invoke(ROUTE, key, "Call notes, claim #" + (1000 + c.user()) + " day " + c.day()
                    + ": customer reports water damage under the sink; plumber's invoice to follow; adjuster visit booked.");
            long at = System.currentTimeMillis();
            if (r.status() != 200) {
                failures.add("HTTP " + r.status() + " for pilot" + (c.user() + 1));
                return;
            }
            if (c.rating() != null) {
                PilotMonth.Rating x = c.rating();
                Map<String, Object> body = new java.util.HashMap<>(Map.of("invocationId", r.text("id"), "acceptance",
                        x.acceptance().name().toLowerCase(Locale.ROOT), "rating", x.acceptance() == Acceptance.ACCEPTED
                                || x.acceptance() == Acceptance.MINOR_EDITS ? "up" : "down", "score", x.score(), "secondsSaved", x.secondsSaved()));
                if (x.comment() != null) {
                    body.put("comment", x.comment());
                }
                GatewayClient.Response f = client.post("/v1/feedback", key, JsonCodec.encodeToString(body));
                if (f.status() != 202) {
                    failures.add("feedback HTTP " + f.status() + ": " + f.raw());
                    return;
                }
            }
            log.add(new Served(c.user(), at, c.rating()));
        } catch (RuntimeException e) {
            failures.add(e.toString());
        }
    }

    /** The route's scorecard (tenant null) or one of its tenants' published at the end of the month's last day. */
    private Optional<Scorecard> scorecard(String tenant, long end, Duration within) {
        return TopicReader.find(stack.kafka().bootstrapServers(), Topics.SCORECARDS, r -> {
            Scorecard c = JsonCodec.decode(r.value(), Scorecard.class);
            return c.route().equals(ROUTE) && java.util.Objects.equals(c.tenant(), tenant) && c.asOf() == end;
        }, within).map(r -> JsonCodec.decode(r.value(), Scorecard.class));
    }

    /** Each tenant's scorecard against the calls of its users; what disagrees goes to {@code wrong}. */
    private Map<String, String> tenants(Expected x, long end, List<String> wrong) {
        Map<String, String> verdicts = new TreeMap<>();
        for (String tenant : Expected.TENANTS) {
            Optional<Scorecard> t = scorecard(tenant, end, Duration.ofSeconds(10));
            if (t.isEmpty()) {
                wrong.add("no scorecard of " + ROUTE + " for tenant " + tenant);
                continue;
            }
            Scorecard c = t.get();
            verdicts.put(tenant, c.verdict().name());
            check(wrong, tenant + " verdict", c.verdict(), Scorecard.Verdict.ITERATE); // both short on acceptance, neither below STOP
            Expected mine = x.ofTenant(tenant);
            check(wrong, tenant + " acceptance answers", c.quality().acceptanceAnswers(), mine.ratings());
            if (Math.abs(c.quality().acceptanceRate() - mine.acceptanceRate()) > 1e-9) {
                wrong.add(String.format(Locale.ROOT, "%s acceptance %.4f, expected %.4f", tenant, c.quality().acceptanceRate(), mine.acceptanceRate()));
            }
            out.printf(Locale.ROOT, "  tenant %-7s %-8s acceptance %.1f%% of %d, satisfaction %.2f, %d weekly users, adoption %s%n", tenant, c.verdict(),
                    c.quality().acceptanceRate() * 100, c.quality().acceptanceAnswers(), c.quality().satisfaction(), c.usage().wau(), share(c));
        }
        return verdicts;
    }

    private static String share(Scorecard c) {
        Scorecard.Adoption a = c.adoption();
        return a == null || a.weeklyShare() == null ? "unknown" : String.format(Locale.ROOT, "%.0f%% of %d active on any route this week",
                a.weeklyShare() * 100, a.activeAnyRouteWeekly());
    }

    /** Compares the scorecard with the month as the gateway answered it. */
    private Result judge(Optional<Scorecard> found, List<Served> log, List<String> failures, Roster roster, long start, long end) {
        if (!failures.isEmpty()) {
            return fail("calls failed: " + failures.stream().limit(3).toList(), log);
        }
        if (found.isEmpty()) {
            return fail("no scorecard of " + ROUTE + " for the month's end on " + Topics.SCORECARDS, log);
        }
        Scorecard c = found.get();
        Expected x = Expected.of(log, usage, start, end);
        print(c);
        List<String> wrong = new ArrayList<>();
        check(wrong, "activated in window", c.roster().activatedInWindow(), x.activatedInWindow(roster));
        check(wrong, "regular", c.roster().regular(), x.atLeast(roster, usage.regularUses()));
        check(wrong, "power", c.roster().power(), x.atLeast(roster, usage.powerUses()));
        check(wrong, "tried once", c.triedOnce().stream().sorted().toList(), x.triedOnce());
        check(wrong, "acceptance answers", c.quality().acceptanceAnswers(), x.ratings());
        if (Math.abs(c.quality().acceptanceRate() - x.acceptanceRate()) > 1e-9 || Math.abs(c.quality().satisfaction() - x.satisfaction()) > 1e-9) {
            wrong.add(String.format(Locale.ROOT, "acceptance %.4f / satisfaction %.4f, expected %.4f / %.4f", c.quality().acceptanceRate(),
                    c.quality().satisfaction(), x.acceptanceRate(), x.satisfaction()));
        }
        check(wrong, "verdict", c.verdict(), Scorecard.Verdict.ITERATE);
        out.println("  feature adoption: " + share(c));
        Map<String, String> tenantVerdicts = tenants(x, end, wrong);
        String reason = wrong.isEmpty() ? null : "the scorecard disagrees with the month as served: " + String.join("; ", wrong);
        Optional<ReportPage.Written> readiness = Optional.empty();
        Optional<ReportPage.Written> weekly = Optional.empty();
        try {
            UsageReports reports = new UsageReports(stack.kafka().bootstrapServers(), stack.options().catalogFile(), stack.options().promptsDir(),
                    dev.pilotlight.common.control.CommandSigner.fromSecret(stack.controlKey()));
            Path dir = stack.options().home().resolve("pilotlight-reports");
            readiness = reports.readiness(ROUTE, dir);
            weekly = reports.weekly(dir);
            readiness.ifPresent(w -> out.println("  readiness report: " + w.markdown() + ", " + w.html()));
            weekly.ifPresent(w -> out.println("  weekly report: " + w.markdown() + ", " + w.html()));
        } catch (java.io.IOException | RuntimeException e) {
            reason = reason != null ? reason : "the reports could not be written: " + e;
        }
        if (reason == null && (readiness.isEmpty() || weekly.isEmpty())) {
            reason = "the reports found no scorecard";
        }
        if (reason != null) {
            out.println("  FAILED " + reason);
        }
        return new Result(NAME, reason == null, c.verdict().name(), c.roster().invited(), c.roster().activatedInWindow(), c.roster().regular(),
                c.roster().power(), c.triedOnce(), c.quality().acceptanceRate(), c.quality().satisfaction(),
                c.adoption() == null ? null : c.adoption().weeklyShare(), tenantVerdicts, log.size(), x.ratings(),
                readiness.map(w -> w.html().toString()).orElse(null), weekly.map(w -> w.html().toString()).orElse(null), reason);
    }

    private static void check(List<String> wrong, String what, Object actual, Object expected) {
        if (!actual.equals(expected)) {
            wrong.add(what + " " + actual + ", expected " + expected);
        }
    }

    private Result fail(String reason, List<Served> log) {
        out.println("  FAILED " + reason);
        return new Result(NAME, false, null, 0, 0, 0, 0, List.of(), null, null, null, null, log.size(), 0, null, null, reason);
    }

    private void print(Scorecard c) {
        Scorecard.Funnel f = c.roster();
        out.printf(Locale.ROOT, "  funnel of %s: invited %d, activated within %d days %d (%.0f%%, target %.0f%%), regular %d (%.0f%%), power %d (%.0f%%)%n",
                ROUTE, f.invited(), usage.activationDays(), f.activatedInWindow(), f.activationRate() * 100, usage.targetActivated() * 100,
                f.regular(), f.regularRate() * 100, f.power(), f.powerRate() * 100);
        out.println("  tried once and never returned: " + c.triedOnce());
        for (Scorecard.Criterion x : c.criteria()) {
            out.printf(Locale.ROOT, "  %-14s %-8s %s (target %s)%n", x.name(), x.status(), x.evidence(), x.target());
        }
        out.println("  verdict: " + c.verdict());
    }

    /** What the scorecard must say, recomputed from the calls the gateway answered. */
    record Expected(Map<Integer, List<Served>> byUser, List<Served> window, long invitedAt, UsageSettings s) {
        static Expected of(List<Served> log, UsageSettings s, long start, long end) {
            Map<Integer, List<Served>> byUser = log.stream().collect(Collectors.groupingBy(Served::user, TreeMap::new, Collectors.toList()));
            long from = end - s.days(s.scorecardDays());
            return new Expected(byUser, log.stream().filter(x -> x.rating() != null && x.at() >= from).toList(),
                    log.stream().mapToLong(Served::at).min().orElse(start), s);
        }

        int activatedInWindow(Roster roster) {
            long windowEnd = invitedAt + s.days(s.activationDays());
            return (int) byUser.entrySet().stream().filter(e -> roster.includes(user(e.getKey())))
                    .filter(e -> e.getValue().stream().mapToLong(Served::at).min().orElseThrow() <= windowEnd).count();
        }

        int atLeast(Roster roster, int uses) {
            return (int) byUser.entrySet().stream().filter(e -> roster.includes(user(e.getKey())) && e.getValue().size() >= uses).count();
        }

        List<String> triedOnce() {
            return byUser.entrySet().stream().filter(e -> e.getValue().size() == 1).map(e -> user(e.getKey())).sorted().toList();
        }

        long ratings() {
            return window.size();
        }

        double acceptanceRate() {
            return (double) window.stream().filter(x -> x.rating().acceptance() == Acceptance.ACCEPTED
                    || x.rating().acceptance() == Acceptance.MINOR_EDITS).count() / window.size();
        }

        double satisfaction() {
            return new org.apache.commons.math3.stat.descriptive.moment.Mean().evaluate(window.stream().mapToDouble(x -> x.rating().score()).toArray());
        }

        static String user(int index) {
            return String.format("pilot%02d", index + 1);
        }

        /** The pilots' tenants (config/api-keys.local.yaml): pilot01, 03, … acme; pilot02, 04, … globex. */
        static final List<String> TENANTS = List.of("acme", "globex");

        static String tenant(int index) {
            return TENANTS.get(index % 2);
        }

        /** What one tenant's scorecard must say: its users' calls only. */
        Expected ofTenant(String tenant) {
            Map<Integer, List<Served>> mine = new TreeMap<>(byUser);
            mine.keySet().removeIf(u -> !tenant(u).equals(tenant));
            return new Expected(mine, window.stream().filter(x -> tenant(x.user()).equals(tenant)).toList(), invitedAt, s);
        }
    }
}
