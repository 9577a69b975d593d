package dev.pilotlight.notify.digest;

import dev.pilotlight.common.usage.Scorecard;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The daily digest's summary lines the tier-3 rule file promises (docs/usage.md): per route, the usage trend (active
 * users, and this week's calls against the week before), adoption (the roster's funnel, tried-once users) and cost
 * efficiency (cost per call, value against AI cost), and the go/no-go verdict, from each route's latest scorecard.
 */
public final class DigestSummary {
    private DigestSummary() {}

    public static List<String> of(Collection<Scorecard> cards) {
        List<String> out = new ArrayList<>();
        if (cards.isEmpty()) {
            out.add("No scorecard on guard.scorecards: is the guard job's usage module running?");
            return out;
        }
        for (Scorecard c : cards.stream().sorted(Comparator.comparing(Scorecard::route)).toList()) {
            out.add("Usage trend, " + c.route() + ": " + trend(c));
            out.add("Adoption, " + c.route() + ": " + adoption(c));
            out.add("Cost efficiency, " + c.route() + ": " + efficiency(c));
            out.add("Go/no-go, " + c.route() + ": " + c.verdict() + shortfalls(c));
        }
        return out;
    }

    static String trend(Scorecard c) {
        Scorecard.Usage u = c.usage();
        List<Scorecard.Day> days = c.daily();
        long thisWeek = calls(days, days.size() - 7, days.size());
        long weekBefore = calls(days, days.size() - 14, days.size() - 7);
        String change = days.size() < 14 || weekBefore == 0 ? "" : String.format(Locale.ROOT, " (%+.0f%%)", 100.0 * (thisWeek - weekBefore) / weekBefore);
        return String.format(Locale.ROOT, "DAU %d (mean %.1f), WAU %d, MAU %d; %d calls in the last 7 days%s", u.dau(), u.avgDau(), u.wau(),
                u.mau(), thisWeek, days.size() < 14 ? "" : " against " + weekBefore + " the week before" + change);
    }

    private static long calls(List<Scorecard.Day> days, int from, int to) {
        return days.subList(Math.max(0, from), Math.max(0, to)).stream().mapToLong(Scorecard.Day::calls).sum();
    }

    static String adoption(Scorecard c) {
        Scorecard.Funnel f = c.roster();
        String tried = c.triedOnce().isEmpty() ? "" : "; " + c.triedOnce().size() + " tried once and left";
        Scorecard.Adoption a = c.adoption();
        String share = a == null || a.weeklyShare() == null ? "" : String.format(Locale.ROOT, "; used by %.0f%% of the %d users active on any route "
                + "this week", a.weeklyShare() * 100, a.activeAnyRouteWeekly());
        if (f == null) {
            return c.usage().mau() + " users in 30 days (no roster: activation cannot be judged)" + share + tried;
        }
        return String.format(Locale.ROOT, "%d of %d invited activated (%.0f%%, target %.0f%%), %d regular (%.0f%%), %d power (%.0f%%)%s%s",
                f.activatedInWindow(), f.invited(), f.activationRate() * 100, f.targetActivated() * 100, f.regular(), f.regularRate() * 100,
                f.power(), f.powerRate() * 100, share, tried);
    }

    static String efficiency(Scorecard c) {
        Scorecard.Value v = c.value();
        long calls = c.usage().calls();
        String perCall = calls == 0 ? "no calls" : String.format(Locale.ROOT, "$%.5f a call", v.aiCostUsd() / calls);
        String ratio = v.valueToCost() == null ? "" : String.format(Locale.ROOT, " (%.0f:1, target %.0f:1)", v.valueToCost(), v.targetValueToCost());
        return String.format(Locale.ROOT, "%s; value of time saved $%.2f against AI cost $%.2f%s", perCall, v.valueUsd(), v.aiCostUsd(), ratio);
    }

    private static String shortfalls(Scorecard c) {
        List<String> s = c.criteria().stream().filter(x -> x.status() != Scorecard.Status.MET).map(x -> x.name() + " " + x.status()).toList();
        return s.isEmpty() ? "" : " (" + String.join(", ", s) + ")";
    }
}
