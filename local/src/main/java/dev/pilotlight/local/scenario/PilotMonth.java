package dev.pilotlight.local.scenario;

import dev.pilotlight.common.event.FeedbackEvent.Acceptance;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The adoption scenario's pilot month, planned up front from a seed: who calls on which day, at which moment of the day,
 * and how they rate the answer. 25 roster users in six habits (power, regular, occasional, tried once, late, never)
 * and three users outside the roster; about 55% of rated answers used without heavy edits, satisfaction near 3.6.
 */
final class PilotMonth {
    static final int DAYS = 30;
    /** The roster's habits, in order of user number (pilot01 first). */
    enum Habit { POWER, REGULAR, OCCASIONAL, TRIED_ONCE, LATE, NEVER, OUTSIDER }

    /** One planned call: user index (0 = pilot01), day, offset within the day as a share of it, and the rating (null: none). */
    record Call(int user, int day, double at, Rating rating) {}

    /** @param comment what the user wrote (thumbs-down answers only, some of them); the gateway redacts it */
    record Rating(Acceptance acceptance, int score, double secondsSaved, String comment) {}

    /** What unhappy pilot users write; one gives an e-mail address the gateway must redact before it reaches any topic. */
    static final List<String> COMPLAINTS = List.of(
            "Missed the invoice amount from my notes",
            "Too formal for a file note",
            "Wrong claim number in the note",
            "Missed the plumber's visit date",
            "Too long, the team lead wants three lines",
            "Invented a police report that was never mentioned",
            "Missed the invoice amount again, please reach me at jo.adjuster@example.com");

    private PilotMonth() {}

    static Habit habit(int user) {
        return user < 4 ? Habit.POWER : user < 14 ? Habit.REGULAR : user < 17 ? Habit.OCCASIONAL : user < 20 ? Habit.TRIED_ONCE
                : user < 22 ? Habit.LATE : user < 25 ? Habit.NEVER : Habit.OUTSIDER;
    }

    /** Every call of the month, users 0–24 on the roster and 25–27 outside it. */
    static List<Call> plan(long seed) {
        Random r = new Random(seed);
        List<Call> calls = new ArrayList<>();
        for (int u = 0; u < 28; u++) {
            Habit h = habit(u);
            int start = switch (h) {
                case POWER -> 0;
                case REGULAR, OCCASIONAL -> r.nextInt(4);
                case TRIED_ONCE -> u - 17; // days 0, 1 and 2: their first week is over before the month ends
                case LATE -> 16 + 2 * (u - 20); // after the two-week activation window
                case NEVER -> DAYS;
                case OUTSIDER -> 8 + 2 * (u - 25);
            };
            for (int d = start; d < DAYS; d++) {
                int n = switch (h) {
                    case POWER -> 1 + r.nextInt(2);
                    case REGULAR, OUTSIDER -> r.nextDouble() < 0.6 ? 1 : 0;
                    case LATE -> r.nextDouble() < 0.5 ? 1 : 0;
                    case OCCASIONAL -> r.nextDouble() < 0.15 ? 1 : 0;
                    case TRIED_ONCE -> d == start ? 1 : 0;
                    case NEVER -> 0;
                };
                if (d == start && h != Habit.NEVER) {
                    n = Math.max(n, 1);
                }
                for (int i = 0; i < n; i++) {
                    calls.add(new Call(u, d, 0.1 + 0.6 * (i + r.nextDouble()) / n, r.nextDouble() < 0.75 ? rating(r) : null));
                }
            }
        }
        return calls;
    }

    private static Rating rating(Random r) {
        double x = r.nextDouble();
        if (x < 0.35) {
            return new Rating(Acceptance.ACCEPTED, 4 + r.nextInt(2), 600 + r.nextInt(600), null);
        }
        if (x < 0.55) {
            return new Rating(Acceptance.MINOR_EDITS, 3 + r.nextInt(2), 300 + r.nextInt(300), null);
        }
        if (x < 0.85) {
            return new Rating(Acceptance.HEAVY_EDITS, 2 + r.nextInt(2), 60, complaint(r));
        }
        return new Rating(Acceptance.REJECTED, 1 + r.nextInt(2), 0, complaint(r));
    }

    private static String complaint(Random r) {
        return r.nextDouble() < 0.4 ? COMPLAINTS.get(r.nextInt(COMPLAINTS.size())) : null;
    }
}
