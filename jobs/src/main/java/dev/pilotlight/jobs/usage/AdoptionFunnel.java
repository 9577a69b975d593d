package dev.pilotlight.jobs.usage;

import dev.pilotlight.common.usage.Roster;
import dev.pilotlight.common.usage.Scorecard;
import java.util.Map;

/**
 * Decides a roster's adoption funnel (§4.F, docs/usage.md "Adoption funnel"): invited = the roster; activated =
 * a first call (in the window: within activation_days of the invitation); regular and power = the first month's
 * use counts. Shares are of the invited.
 */
public final class AdoptionFunnel {
    private AdoptionFunnel() {}

    /** @param members what the route's tally knows of each roster member who has called */
    public static Scorecard.Funnel of(Roster roster, long invitedAt, Map<String, RosterUser> members, UsageSettings s) {
        int activated = 0;
        int inWindow = 0;
        int regular = 0;
        int power = 0;
        long windowEnd = invitedAt + s.days(s.activationDays());
        for (Map.Entry<String, RosterUser> m : members.entrySet()) {
            if (!roster.includes(m.getKey())) {
                continue; // dropped from the roster since
            }
            RosterUser u = m.getValue();
            activated++;
            inWindow += u.firstCall() <= windowEnd ? 1 : 0;
            regular += u.uses() >= s.regularUses() ? 1 : 0;
            power += u.uses() >= s.powerUses() ? 1 : 0;
        }
        int invited = roster.users().size();
        return new Scorecard.Funnel(invitedAt, invited, activated, inWindow, regular, power, (double) inWindow / invited,
                (double) regular / invited, (double) power / invited, s.targetActivated(), s.targetRegular(), s.targetPower());
    }

    /** Roster members active in the last 7 days up to {@code today}. */
    public static int activeThisWeek(Roster roster, Map<String, RosterUser> members, long today) {
        int n = 0;
        for (Map.Entry<String, RosterUser> m : members.entrySet()) {
            n += roster.includes(m.getKey()) && m.getValue().lastDay() > today - 7 ? 1 : 0;
        }
        return n;
    }
}
