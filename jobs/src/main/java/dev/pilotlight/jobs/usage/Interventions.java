package dev.pilotlight.jobs.usage;

import dev.pilotlight.common.usage.Scorecard;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decides which interventions of the playbook's §4.F a route calls for (docs/usage.md, "Interventions"):
 * activation below intervene_activation_below once activation_days have passed since the invitation; regular use
 * below intervene_regular_below once regular_after_days have; the top concentration_top of settled users making
 * at least concentration_share of their first-month calls. Each is a tier-3 alert while it holds.
 */
public final class Interventions {
    /** One intervention called for: the rule id its alert carries, the figure, its threshold and what to do. */
    public record Needed(String ruleId, double value, double threshold, String summary) {}

    private Interventions() {}

    /** @param settledUses the first-month use counts of the route's settled users (newest kept) */
    public static Map<String, Needed> due(Scorecard.Funnel roster, long now, int[] settledUses, UsageSettings s) {
        Map<String, Needed> out = new LinkedHashMap<>();
        if (roster != null && now >= roster.invitedAt() + s.days(s.activationDays()) && roster.activationRate() < s.interveneActivationBelow()) {
            out.put("adoption-activation-low", new Needed("adoption-activation-low", roster.activationRate(), s.interveneActivationBelow(),
                    String.format(Locale.ROOT, "%d of %d invited users called within %d days (%.0f%%, intervene below %.0f%%): personal outreach, "
                                    + "simpler onboarding, check access", roster.activatedInWindow(), roster.invited(), s.activationDays(),
                            roster.activationRate() * 100, s.interveneActivationBelow() * 100)));
        }
        if (roster != null && now >= roster.invitedAt() + s.days(s.regularAfterDays()) && roster.regularRate() < s.interveneRegularBelow()) {
            out.put("adoption-regular-low", new Needed("adoption-regular-low", roster.regularRate(), s.interveneRegularBelow(),
                    String.format(Locale.ROOT, "%d of %d invited users made %d+ calls in their first month (%.0f%%, intervene below %.0f%%): "
                                    + "interview users, check fit and quality", roster.regular(), roster.invited(), s.regularUses(),
                            roster.regularRate() * 100, s.interveneRegularBelow() * 100)));
        }
        Double top = topShare(settledUses, s);
        if (top != null && top >= s.concentrationShare()) {
            out.put("adoption-power-concentration", new Needed("adoption-power-concentration", top, s.concentrationShare(),
                    String.format(Locale.ROOT, "the top %.0f%% of %d users made %.0f%% of first-month calls: are the others unable to use it, "
                            + "or choosing not to?", s.concentrationTop() * 100, settledUses.length, top * 100)));
        }
        return out;
    }

    /** The share of all first-month calls made by the top concentration_top of settled users; null with too few users. */
    static Double topShare(int[] uses, UsageSettings s) {
        if (uses.length < s.concentrationMinUsers()) {
            return null;
        }
        int[] sorted = uses.clone();
        Arrays.sort(sorted);
        long total = Arrays.stream(sorted).asLongStream().sum();
        int top = (int) Math.ceil(sorted.length * s.concentrationTop());
        long topCalls = 0;
        for (int i = sorted.length - top; i < sorted.length; i++) {
            topCalls += sorted[i];
        }
        return total == 0 ? null : (double) topCalls / total;
    }
}
