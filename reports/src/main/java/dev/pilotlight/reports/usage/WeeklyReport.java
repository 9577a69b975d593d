package dev.pilotlight.reports.usage;

import dev.pilotlight.common.usage.Scorecard;
import dev.pilotlight.reports.ReportPage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The weekly report of every route (playbook §5.A, docs/usage.md "Reports"): adoption funnel progress, feature usage,
 * the top 10 thumbs-down items of the week, cost analysis and projection; Markdown and self-contained HTML.
 */
public final class WeeklyReport {
    private WeeklyReport() {}

    /**
     * @param cards      every route's scorecard (across tenants)
     * @param tenants    the routes' scorecards per tenant
     * @param thumbsDown the week's thumbs-down items of every route, newest first
     */
    public static ReportPage.Written write(Collection<Scorecard> cards, List<Scorecard> tenants, List<RatedAnswers.Item> thumbsDown, long weekFrom,
                                           Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        ReportPage p = new ReportPage("weekly", "Weekly report");
        long asOf = cards.stream().mapToLong(Scorecard::asOf).max().orElse(weekFrom);
        p.paragraph("Week ending " + Instant.ofEpochMilli(asOf) + "; " + cards.size() + " route(s) with a scorecard, " + tenants.size()
                + " tenant scorecard(s).");
        p.heading("Go/no-go at a glance").table(List.of("route", "verdict", "short of target"), cards.stream().map(c -> List.of(c.route(),
                c.verdict().name(), String.join(", ", c.criteria().stream().filter(x -> x.status() != Scorecard.Status.MET)
                        .map(x -> x.name() + " (" + x.status() + ")").toList()))).toList());
        funnels(p, cards);
        usage(p, cards, tenants);
        p.heading("Top 10 thumbs-down items of the week");
        if (thumbsDown.isEmpty()) {
            p.paragraph("No thumbs-down this week.");
        } else {
            // the ones with a comment first: a reviewer reads what users wrote; then the newest
            p.table(List.of("when", "route", "version", "acceptance", "score", "comment (redacted)"), thumbsDown.stream()
                    .sorted(java.util.Comparator.comparing((RatedAnswers.Item i) -> i.comment() == null || i.comment().isBlank())).limit(10)
                    .map(i -> List.of(Instant.ofEpochMilli(i.at()).toString(), i.route(), String.valueOf(i.promptVersion()),
                            String.valueOf(i.acceptance()), i.score() == null ? "–" : i.score().toString(), i.comment() == null ? "" : i.comment()))
                    .toList());
        }
        cost(p, cards);
        return p.write(dir);
    }

    private static void funnels(ReportPage p, Collection<Scorecard> cards) {
        p.heading("Adoption funnel progress");
        List<List<String>> rows = new ArrayList<>();
        for (Scorecard c : cards) {
            Scorecard.Funnel f = c.roster();
            rows.add(f == null ? List.of(c.route(), "no roster", "–", "–", "–", Integer.toString(c.triedOnce().size()))
                    : List.of(c.route(), Integer.toString(f.invited()), ReadinessReport.pct(f.activationRate()), ReadinessReport.pct(f.regularRate()),
                            ReadinessReport.pct(f.powerRate()), Integer.toString(c.triedOnce().size())));
        }
        p.table(List.of("route", "invited", "activated", "regular", "power", "tried once"), rows);
        for (Scorecard c : cards) {
            if (!c.interventions().isEmpty()) {
                p.paragraph("Interventions on " + c.route() + ":").bullets(c.interventions());
            }
        }
    }

    private static void usage(ReportPage p, Collection<Scorecard> cards, List<Scorecard> tenants) {
        p.heading("Feature usage");
        long total = cards.stream().mapToLong(c -> c.usage().calls()).sum();
        p.table(List.of("route", "calls", "share of calls", "DAU", "WAU", "MAU", "adoption (weekly)", "uses per user per day"), cards.stream()
                .map(c -> List.of(c.route(), Long.toString(c.usage().calls()), ReadinessReport.pct(total == 0 ? null : (double) c.usage().calls() / total),
                        Long.toString(c.usage().dau()), Long.toString(c.usage().wau()), Long.toString(c.usage().mau()),
                        ReadinessReport.adoptionShare(c), ReadinessReport.num(c.usage().usesPerUserPerDay()))).toList());
        p.paragraph("Adoption: the share of the users active on any route in the last 7 days who used the route.");
        if (!tenants.isEmpty()) {
            p.table(List.of("route", "tenant", "verdict", "calls", "WAU", "adoption (weekly, of the tenant's users)", "acceptance", "AI cost"),
                    tenants.stream().map(t -> List.of(t.route(), t.tenant(), t.verdict().name(), Long.toString(t.usage().calls()),
                            Long.toString(t.usage().wau()), ReadinessReport.adoptionShare(t), ReadinessReport.pct(t.quality().acceptanceRate()),
                            ReadinessReport.usd(t.value().aiCostUsd()))).toList());
        }
    }

    private static void cost(ReportPage p, Collection<Scorecard> cards) {
        p.heading("Cost analysis and projection");
        p.table(List.of("route", "AI cost (window)", "per call", "AI cost a year (projected)", "value (window)", "value to cost"), cards.stream()
                .map(c -> List.of(c.route(), ReadinessReport.usd(c.value().aiCostUsd()),
                        c.usage().calls() == 0 ? "–" : String.format(java.util.Locale.ROOT, "$%.5f", c.value().aiCostUsd() / c.usage().calls()),
                        ReadinessReport.usd(c.value().roi().annualAiCostUsd()), ReadinessReport.usd(c.value().valueUsd()),
                        c.value().valueToCost() == null ? "–" : ReadinessReport.num(c.value().valueToCost()) + " : 1")).toList());
    }
}
