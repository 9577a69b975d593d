package dev.pilotlight.reports.usage;

import dev.pilotlight.common.usage.Scorecard;
import dev.pilotlight.reports.ReportPage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Production Readiness Report of one route (playbook §2.G, docs/usage.md "Reports"): executive summary, metrics
 * against targets, adoption, feedback themes from thumbs-down comments, security incidents, ROI, the go/no-go
 * recommendation and a model card; Markdown and self-contained HTML.
 */
public final class ReadinessReport {
    /** Everything the report reads. */
    /** @param tenants the route's scorecards per tenant, by tenant */
    public record Input(Scorecard card, List<Scorecard> tenants, List<RatedAnswers.Item> thumbsDown, List<SecurityIncidents.Incident> incidents,
                        ModelCard modelCard) {}

    private ReadinessReport() {}

    public static ReportPage.Written write(Input in, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Scorecard c = in.card();
        ReportPage p = new ReportPage("readiness-" + c.route(), "Production Readiness Report: " + c.route());
        p.paragraph("As of " + Instant.ofEpochMilli(c.asOf()) + ", over the last " + c.value().roi().observedDays() + " usage day(s)"
                + (c.dayMs() == 86_400_000L ? "" : " (a usage day is " + c.dayMs() / 1000.0 + " s here: compressed time)") + ".");
        p.heading("Executive summary").paragraph("Recommendation: " + c.verdict() + ", " + recommendation(c)).bullets(summary(c));
        metrics(p, c);
        tenants(p, in.tenants());
        adoption(p, c);
        feedback(p, in.thumbsDown());
        security(p, in.incidents());
        roi(p, c);
        p.heading("Go/no-go recommendation").paragraph(c.verdict() + ": " + recommendation(c));
        modelCard(p, in.modelCard());
        return p.write(dir);
    }

    static String recommendation(Scorecard c) {
        List<String> short_ = c.criteria().stream().filter(x -> x.status() != Scorecard.Status.MET).map(Scorecard.Criterion::name).toList();
        return switch (c.verdict()) {
            case GO -> "every criterion is met: proceed to a production rollout plan with timeline and budget.";
            case STOP -> "a stop condition holds (" + String.join(", ", c.criteria().stream().filter(x -> x.status() == Scorecard.Status.FAILED)
                    .map(Scorecard.Criterion::name).toList()) + "): stop, or re-scope the use case before more users see it.";
            case ITERATE -> "promising but short on " + String.join(", ", short_) + ": extend the pilot four weeks with specific targets for "
                    + "these criteria.";
        };
    }

    private static List<String> summary(Scorecard c) {
        List<String> out = new ArrayList<>();
        for (Scorecard.Criterion x : c.criteria()) {
            out.add(x.name() + ": " + x.status() + ", " + x.evidence());
        }
        return out;
    }

    private static void metrics(ReportPage p, Scorecard c) {
        p.heading("Metrics against targets");
        List<List<String>> rows = new ArrayList<>();
        for (Scorecard.Criterion x : c.criteria()) {
            rows.add(List.of(x.name(), x.value() == null ? "–" : num(x.value()), x.target(), x.status().name()));
        }
        p.table(List.of("criterion", "value", "target", "status"), rows);
        Scorecard.Usage u = c.usage();
        Scorecard.Quality q = c.quality();
        p.table(List.of("tier", "metric", "value"), List.of(
                List.of("1 usage", "daily active users (last day / mean)", u.dau() + " / " + num(u.avgDau())),
                List.of("1 usage", "weekly / monthly active users", u.wau() + " / " + u.mau()),
                List.of("1 usage", "stickiness (DAU / MAU)", pct(u.stickiness())),
                List.of("1 usage", "uses per user per day", num(u.usesPerUserPerDay())),
                List.of("1 usage", "sessions, mean duration", u.sessions() + ", " + num(u.avgSessionSeconds()) + " s"),
                List.of("2 quality", "acceptance (used without heavy edits)", pct(q.acceptanceRate()) + " of " + q.acceptanceAnswers()),
                List.of("2 quality", "thumbs up share", pct(q.thumbsUpShare()) + " of " + (q.thumbsUp() + q.thumbsDown())),
                List.of("2 quality", "error rate", pct(q.errorRate()) + " of " + u.calls() + " calls"),
                List.of("2 quality", "satisfaction (1-5)", (q.satisfaction() == null ? "–" : num(q.satisfaction())) + " from " + q.scores() + " scores"),
                List.of("3 business", "value of time saved", usd(c.value().valueUsd()) + " (" + num(c.value().secondsSaved() / 3600) + " h)"),
                List.of("3 business", "AI cost", usd(c.value().aiCostUsd())),
                List.of("3 business", "value to cost", c.value().valueToCost() == null ? "–"
                        : num(c.value().valueToCost()) + " : 1 (target " + num(c.value().targetValueToCost()) + " : 1)")));
        p.chart("activity", "active users and calls per day", UsageCharts.activity(c.daily()));
        p.chart("quality", "acceptance and satisfaction per day", UsageCharts.quality(c.daily()));
    }

    /** The route's figures per tenant: where it works and where it does not. */
    private static void tenants(ReportPage p, List<Scorecard> tenants) {
        if (tenants.isEmpty()) {
            return;
        }
        p.heading("By tenant");
        p.table(List.of("tenant", "verdict", "WAU / MAU", "adoption (weekly)", "calls", "acceptance", "satisfaction", "value", "AI cost",
                "value to cost"), tenants.stream().map(t -> List.of(t.tenant(), t.verdict().name(), t.usage().wau() + " / " + t.usage().mau(),
                adoptionShare(t), Long.toString(t.usage().calls()), pct(t.quality().acceptanceRate()),
                t.quality().satisfaction() == null ? "–" : num(t.quality().satisfaction()), usd(t.value().valueUsd()), usd(t.value().aiCostUsd()),
                t.value().valueToCost() == null ? "–" : num(t.value().valueToCost()) + " : 1")).toList());
        p.paragraph("A tenant's verdict judges its own figures; weekly use of target users is judged for the route (rosters name a "
                + "route's users). Value is each tenant's time saved at its own labour rate.");
    }

    /** The route's weekly active users as a share of the users active on any route, with the counts. */
    static String adoptionShare(Scorecard c) {
        Scorecard.Adoption a = c.adoption();
        return a == null || a.weeklyShare() == null ? "–" : pct(a.weeklyShare()) + " of " + a.activeAnyRouteWeekly();
    }

    private static void adoption(ReportPage p, Scorecard c) {
        p.heading("Adoption");
        Scorecard.Adoption a = c.adoption();
        if (a != null && a.weeklyShare() != null) {
            p.paragraph("Feature adoption: " + c.usage().wau() + " of the " + a.activeAnyRouteWeekly() + " users active on any route in the last "
                    + "7 days used this route (" + pct(a.weeklyShare()) + "); " + c.usage().mau() + " of " + a.activeAnyRouteMonthly()
                    + " in the last 30 (" + pct(a.monthlyShare()) + ").");
        }
        Scorecard.Funnel f = c.roster();
        if (f == null) {
            p.paragraph("This route has no roster, so who was meant to use it is unknown: activation and weekly use of target users cannot be "
                    + "judged. Add one under rosters: in the rule files (docs/usage.md, \"Rosters\").");
        } else {
            p.table(List.of("step", "users", "share of invited", "target"), List.of(
                    List.of("invited", Integer.toString(f.invited()), "100%", "100%"),
                    List.of("activated within the window", Integer.toString(f.activatedInWindow()), pct(f.activationRate()), pct(f.targetActivated())),
                    List.of("regular", Integer.toString(f.regular()), pct(f.regularRate()), pct(f.targetRegular())),
                    List.of("power", Integer.toString(f.power()), pct(f.powerRate()), pct(f.targetPower()))));
            p.chart("funnel", "adoption funnel", UsageCharts.funnel(f));
        }
        if (!c.cohorts().isEmpty()) {
            p.table(List.of("cohort (first seen)", "users", "regular", "power", "tried once", "settled"), c.cohorts().stream()
                    .map(k -> List.of(Instant.ofEpochMilli(k.weekStart()).toString(), Integer.toString(k.users()), Integer.toString(k.regular()),
                            Integer.toString(k.power()), Integer.toString(k.triedOnce()), k.settled() ? "yes" : "not yet")).toList());
        }
        p.paragraph(c.triedOnce().isEmpty() ? "Nobody tried it once and left." : "Tried once and never returned (for outreach): "
                + String.join(", ", c.triedOnce()) + ".");
        if (!c.interventions().isEmpty()) {
            p.paragraph("Interventions called for:").bullets(c.interventions());
        }
    }

    private static void feedback(ReportPage p, List<RatedAnswers.Item> down) {
        p.heading("User feedback themes");
        List<String> comments = down.stream().map(RatedAnswers.Item::comment).filter(x -> x != null && !x.isBlank()).toList();
        if (comments.isEmpty()) {
            p.paragraph(down.size() + " thumbs-down answer(s), none with a comment.");
            return;
        }
        List<FeedbackThemes.Theme> themes = FeedbackThemes.of(comments, 8);
        p.paragraph(down.size() + " thumbs-down answer(s), " + comments.size() + " with a comment (redacted at the gateway).");
        if (!themes.isEmpty()) {
            p.table(List.of("recurring word", "comments", "for example"), themes.stream()
                    .map(t -> List.of(t.word(), Integer.toString(t.comments()), t.example())).toList());
        }
    }

    private static void security(ReportPage p, List<SecurityIncidents.Incident> incidents) {
        p.heading("Security incidents");
        if (incidents.isEmpty()) {
            p.paragraph("No security alert in the period.");
            return;
        }
        p.table(List.of("started", "rule", "tier", "state", "summary"), incidents.stream().map(i -> List.of(Instant.ofEpochMilli(i.startsAt()).toString(),
                i.ruleId(), Integer.toString(i.tier()), i.state(), i.summary() == null ? "" : i.summary())).toList());
    }

    private static void roi(ReportPage p, Scorecard c) {
        Scorecard.Roi r = c.value().roi();
        p.heading("ROI (" + r.years() + "-year projection)");
        p.table(List.of("", "expected", "best case"), List.of(
                List.of("value a year", usd(r.annualValueUsd()), usd(r.annualValueBestUsd())),
                List.of("AI cost a year", usd(r.annualAiCostUsd()), usd(r.annualAiCostUsd())),
                List.of("platform cost a year", usd(r.platformCostPerYearUsd()), usd(r.platformCostPerYearUsd())),
                List.of("build cost (once)", usd(r.buildCostUsd()), usd(r.buildCostUsd())),
                List.of("net over " + r.years() + " years", usd(r.netExpectedUsd()), usd(r.netBestUsd()))));
        p.paragraph("Method: " + r.method() + ".");
        p.chart("value", "value and AI cost", UsageCharts.value(c.daily()));
    }

    private static void modelCard(ReportPage p, ModelCard m) {
        p.heading("Model card");
        if (m == null) {
            p.paragraph("No catalog was given: the route's models, prompts and guards are not described here.");
            return;
        }
        p.table(List.of("", ""), List.of(List.of("route", m.route()), List.of("model", m.model()),
                List.of("fallbacks", m.fallbacks().isEmpty() ? "none" : String.join(", ", m.fallbacks())),
                List.of("production prompt version", m.productionVersion())));
        p.table(List.of("prompt version", "changelog"), m.versions().stream().map(v -> List.of(v.version(), v.changelog())).toList());
        p.table(List.of("guard", "setting"), m.guards().entrySet().stream().map(e -> List.of(e.getKey(), e.getValue())).toList());
        p.paragraph("Known limitations:").bullets(m.limits());
    }

    static String pct(Double share) {
        return share == null ? "–" : String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    static String num(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : "%.2f", v);
    }

    static String usd(double v) {
        return String.format(Locale.ROOT, "$%,.2f", v);
    }
}
