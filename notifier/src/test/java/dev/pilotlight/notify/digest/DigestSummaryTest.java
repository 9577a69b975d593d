package dev.pilotlight.notify.digest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.usage.Scorecard;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The digest's summary lines say the week's trend against the week before, the funnel and the cost per call. */
class DigestSummaryTest {

    static Scorecard card(List<Scorecard.Day> daily, Scorecard.Funnel roster) {
        var roi = new Scorecard.Roi(28, 3, 1, 1, 1, 0, 0, 1, 1, "m");
        return new Scorecard(1, "r", 0, 86_400_000L, Scorecard.Verdict.GO, List.of(), new Scorecard.Usage(5, 5, 8, 9, 0.5, 2, 200, 0, 100, 60, null, null),
                new Scorecard.Quality(0, 0, null, 0, 0, null, null, 0, null), new Scorecard.Value(0, 0, 0.5, null, 10, roi), roster, List.of(),
                List.of(), List.of(), daily, null);
    }

    @Test
    void thisWeeksCallsAreComparedWithTheWeekBefore() {
        List<Scorecard.Day> days = new ArrayList<>();
        for (int d = 0; d < 14; d++) {
            days.add(new Scorecard.Day(d, 3, d < 7 ? 10 : 12, 0, 0, 0, 0, 0, 0, 0, 0));
        }
        assertThat(DigestSummary.trend(card(days, null))).isEqualTo("DAU 5 (mean 5.0), WAU 8, MAU 9; 84 calls in the last 7 days against 70 the "
                + "week before (+20%)");
        assertThat(DigestSummary.trend(card(days.subList(0, 5), null))).isEqualTo("DAU 5 (mean 5.0), WAU 8, MAU 9; 50 calls in the last 7 days");
    }

    @Test
    void withoutARosterActivationCannotBeJudgedAndCostIsPerCall() {
        Scorecard c = card(List.of(), null);
        assertThat(DigestSummary.adoption(c)).isEqualTo("9 users in 30 days (no roster: activation cannot be judged)");
        assertThat(DigestSummary.efficiency(c)).isEqualTo("$0.00250 a call; value of time saved $0.00 against AI cost $0.50");
        assertThat(DigestSummary.of(List.of())).singleElement().asString().contains("No scorecard");
    }

    @Test
    void adoptionSaysTheShareOfUsersActiveOnAnyRoute() {
        Scorecard c = card(List.of(), null);
        Scorecard withShare = new Scorecard(c.schemaVersion(), c.route(), null, c.asOf(), c.dayMs(), c.verdict(), c.criteria(), c.usage(),
                new Scorecard.Adoption(32, 40, 0.25, 0.225), c.quality(), c.value(), c.roster(), c.cohorts(), c.triedOnce(), c.interventions(),
                c.daily(), null);
        assertThat(DigestSummary.adoption(withShare)).isEqualTo("9 users in 30 days (no roster: activation cannot be judged); used by 25% of "
                + "the 32 users active on any route this week");
    }
}
