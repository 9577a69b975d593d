package dev.pilotlight.jobs.drift;

import dev.pilotlight.common.event.ReleaseChange;
import dev.pilotlight.common.event.ReleaseState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The latest release state of one route and its recent changes, newest first, so that a drift score
 * can name the release changes near its window. Kept in broadcast state: bounded to {@value #KEPT} changes.
 */
public record ReleaseHistory(ReleaseState latest, List<ReleaseChange> changes) {
    static final int KEPT = 16;

    /** This history with {@code s} applied; the same history when {@code s} is not newer. */
    public ReleaseHistory with(ReleaseState s) {
        if (latest != null && s.revision() <= latest.revision()) {
            return this;
        }
        List<ReleaseChange> next = new ArrayList<>();
        describe(latest, s).forEach(w -> next.add(new ReleaseChange(s.updatedAt(), w)));
        next.addAll(changes);
        return new ReleaseHistory(s, List.copyOf(next.subList(0, Math.min(KEPT, next.size()))));
    }

    public static ReleaseHistory empty() {
        return new ReleaseHistory(null, List.of());
    }

    private static List<String> describe(ReleaseState before, ReleaseState s) {
        List<String> out = new ArrayList<>();
        String prompt = s.promptId() + " ";
        if (before == null || !Objects.equals(before.productionVersion(), s.productionVersion())) {
            out.add(prompt + s.productionVersion() + " to production" + (s.previousVersion() == null ? "" : " (was " + s.previousVersion() + ")"));
        }
        if (s.candidateVersion() != null && (before == null || !Objects.equals(before.candidateVersion(), s.candidateVersion())
                || before.candidateSplit() != s.candidateSplit())) {
            out.add(prompt + s.candidateVersion() + " as candidate for " + Math.round(s.candidateSplit() * 100) + "% of users");
        }
        if (before != null && before.candidateVersion() != null && s.candidateVersion() == null) {
            out.add(prompt + "candidate " + before.candidateVersion() + " withdrawn");
        }
        return out;
    }

    /** The changes from {@code lookback} before the window's start to its end, newest first. */
    public List<ReleaseChange> near(long windowStart, long windowEnd, Duration lookback) {
        return changes.stream().filter(c -> c.at() >= windowStart - lookback.toMillis() && c.at() < windowEnd).toList();
    }

    /** The same in words, each with how long before the window's end it was. */
    public static List<String> described(List<ReleaseChange> near, long windowEnd) {
        return near.stream().map(c -> c.what() + ", " + ago(windowEnd - c.at()) + " before the window ended").toList();
    }

    /**
     * What a release of this route is compared with as its previous release: for production the
     * version it replaced, for a candidate the production version; null when there is none.
     */
    public String previousOf(String version) {
        if (latest == null) {
            return null;
        }
        if (version.equals(latest.productionVersion())) {
            return latest.previousVersion();
        }
        return version.equals(latest.candidateVersion()) ? latest.productionVersion() : null;
    }

    private static String ago(long ms) {
        long s = Math.max(0, ms / 1000);
        if (s < 120) {
            return s + " s";
        }
        return s < 7200 ? s / 60 + " min" : s / 3600 + " h";
    }
}
