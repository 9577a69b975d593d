package dev.pilotlight.common.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.common.rules.RuleSet;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.common.rules.RuleValidationException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A quota file is read with the rule files; every problem is named with file and line. */
class QuotaReaderTest {

    @Test
    void theShippedQuotaFileIsValid() {
        RuleSet set = RuleSetLoader.load(Path.of("../alert-rules"));
        assertThat(set.quotas()).isNotEmpty();
        assertThat(set.quotas()).allSatisfy(q -> assertThat(q.source()).startsWith("../alert-rules/quotas.yaml:"));
    }

    @Test
    void aQuotaIsReadWithEveryField() {
        Quota q = RuleSetLoader.parse(Map.of("q.yaml", """
                quotas:
                  - id: free-tier
                    scope: user
                    period: month
                    calls: 100
                    warn_at: [0.9, 0.5]
                    action: throttle
                    per_minute: 1
                """)).quotas().get(0);
        assertThat(q).isEqualTo(new Quota("free-tier", "q.yaml:2", Quota.Scope.USER, null, Quota.Period.MONTH, 0, 100,
                java.util.List.of(0.5, 0.9), Quota.Action.THROTTLE, 1, 2));
        assertThat(q.used(0, 50)).isEqualTo(0.5);
    }

    @Test
    void everyProblemIsReportedWithFileAndLine() {
        assertThatThrownBy(() -> RuleSetLoader.parse(Map.of("bad.yaml", """
                quotas:
                  - id: Bad_Id
                    scope: galaxy
                    period: week
                    action: throttle
                    warn_at: [1.5]
                    colour: red
                  - id: ok-one
                    scope: user
                    period: day
                    budget_usd: -3
                """))).isInstanceOf(RuleValidationException.class)
                .hasMessageContaining("bad.yaml:2: id 'Bad_Id' must be lowercase")
                .hasMessageContaining("bad.yaml:3: scope must be one of user, tenant, route, not 'galaxy'")
                .hasMessageContaining("bad.yaml:4: period must be one of day, month, not 'week'")
                .hasMessageContaining("bad.yaml:5: action throttle needs per_minute")
                .hasMessageContaining("bad.yaml:6: warn_at must be a number from 0 to 1, not '1.5'")
                .hasMessageContaining("bad.yaml:7: unknown quota key 'colour'")
                .hasMessageContaining("bad.yaml:11: budget_usd must be a number from 0 to 1000000000, not '-3'")
                .hasMessageContaining("bad.yaml:8: a quota needs budget_usd (dollars) or calls (a count), above 0");
    }

    @Test
    void aScheduleIsReadAndItsMistakesNamed() {
        Schedule s = RuleSetLoader.parse(Map.of("s.yaml", """
                schedules:
                  - id: office
                    route: claims-letter
                    business_days: [mon, tue]
                    business_hours: 08:00-18:00
                    per_minute: 5
                """)).schedules().get(0);
        assertThat(s.days()).containsExactlyInAnyOrder(java.time.DayOfWeek.MONDAY, java.time.DayOfWeek.TUESDAY);
        assertThat(s.open(java.time.Instant.parse("2026-11-30T17:59:00Z").toEpochMilli(), java.time.ZoneOffset.UTC)).isTrue();
        assertThat(s.open(java.time.Instant.parse("2026-11-30T18:00:00Z").toEpochMilli(), java.time.ZoneOffset.UTC)).isFalse();
        assertThat(s.nextOpening(java.time.Instant.parse("2026-12-01T19:00:00Z").toEpochMilli(), java.time.ZoneOffset.UTC))
                .isEqualTo(java.time.Instant.parse("2026-12-07T08:00:00Z").toEpochMilli()); // Tuesday evening: next Monday
        assertThatThrownBy(() -> RuleSetLoader.parse(Map.of("s.yaml", """
                schedules:
                  - id: office
                    route: claims-letter
                    business_days: [mon, funday]
                    business_hours: 18:00-08:00
                """))).isInstanceOf(RuleValidationException.class)
                .hasMessageContaining("s.yaml:4: 'funday' is not a day")
                .hasMessageContaining("s.yaml:5: business_hours must open before they close")
                .hasMessageContaining("s.yaml:2: a schedule needs per_minute");
    }
}
