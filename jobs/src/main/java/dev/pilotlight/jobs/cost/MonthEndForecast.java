package dev.pilotlight.jobs.cost;

import dev.pilotlight.common.control.DecisionIds;
import dev.pilotlight.common.cost.Quota;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.SchemaVersion;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.util.Collector;

/**
 * Decides at each day's end whether a tenant's or route's month will cross a monthly dollar quota
 * (docs/cost.md, "Forecasts"): spend so far plus the average daily spend of the last {@code forecast_days}
 * complete days (a quiet day counts as 0) times the days left. Once that reaches the budget, with at least
 * {@code forecast_min_days} complete days behind it, a tier-2 alert names the day the budget will be
 * crossed at that pace; it is resolved when the month ends.
 */
final class MonthEndForecast implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String RULE = "spend-forecast";
    private static final long DAY = 24 * 3_600_000L;

    private final CostSettings settings;

    MonthEndForecast(CostSettings settings) {
        this.settings = settings;
    }

    /** Records the day that ended, then judges every monthly dollar quota of the account. */
    void dayEnded(SpendPeriods s, SpendMarks m, List<Quota> quotas, Quota.Scope scope, String entity, String version, Collector<Alert> out) {
        List<Quota> monthly = quotas.stream().filter(q -> q.scope() == scope && q.period() == Quota.Period.MONTH && q.budgetUsd() > 0
                && q.appliesTo(entity)).toList();
        if (scope == Quota.Scope.USER || monthly.isEmpty()) {
            return; // forecasts are for tenants and routes with a monthly budget: a user's quota acts when it is reached
        }
        m.days.put(s.dayStart, s.dayMicros);
        m.days.keySet().removeIf(d -> d <= s.dayStart - settings.forecastDays() * DAY);
        long complete = Math.round((s.dayEnd - s.monthStart) / (double) DAY);
        if (complete < settings.forecastMinDays()) {
            return;
        }
        long window = Math.min(settings.forecastDays(), complete);
        double daily = m.days.values().stream().mapToLong(Long::longValue).sum() / 1e6 / window;
        double spent = s.monthMicros / 1e6;
        long daysLeft = Math.round((s.monthEnd - s.dayEnd) / (double) DAY);
        double forecast = spent + daily * daysLeft;
        for (Quota q : monthly) {
            if (spent < q.budgetUsd() && forecast >= q.budgetUsd() && !m.forecasts.containsKey(q.id())) {
                m.forecasts.put(q.id(), s.dayEnd);
                LocalDate crossing = Instant.ofEpochMilli(s.dayEnd).atZone(settings.zone()).toLocalDate()
                        .plusDays((long) Math.ceil((q.budgetUsd() - spent) / daily) - 1);
                out.collect(alert(q, entity, s.monthStart, s.dayEnd, Alert.State.FIRING, null, forecast, String.format(Locale.ROOT,
                        "%s %s is on course for %s this month against quota %s of %s: %s spent in %d days, %s a day over the last %d days;"
                                + " at that pace the budget is used up on %s", scope.yamlName(), entity, CostCommands.usd(forecast), q.id(),
                        CostCommands.usd(q.budgetUsd()), CostCommands.usd(spent), complete, CostCommands.usd(daily), window, crossing), version));
            }
        }
    }

    /** Resolves the month's forecast alerts. */
    void monthEnded(SpendPeriods s, SpendMarks m, List<Quota> quotas, Quota.Scope scope, String entity, long endedAt, String version,
                    Collector<Alert> out) {
        for (Map.Entry<String, Long> f : m.forecasts.entrySet()) {
            quotas.stream().filter(q -> q.id().equals(f.getKey())).findFirst().ifPresent(q -> out.collect(alert(q, entity, s.monthStart,
                    f.getValue(), Alert.State.RESOLVED, endedAt, s.monthMicros / 1e6, scope.yamlName() + " " + entity + ": the month is over, "
                            + CostCommands.usd(s.monthMicros / 1e6) + " spent against " + CostCommands.usd(q.budgetUsd()), version)));
        }
    }

    private static Alert alert(Quota q, String entity, long monthStart, long startsAt, Alert.State state, Long endsAt, double forecast,
                               String summary, String version) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(CostCommands.entityLabel(q.scope()), entity);
        labels.put("quota", q.id());
        String id = DecisionIds.of("alert", RULE, q.id(), entity, String.valueOf(monthStart));
        return new Alert(SchemaVersion.CURRENT, id, RULE, 2, state, labels, forecast, q.budgetUsd(), startsAt, endsAt, summary,
                CostCommands.RUNBOOK, null, version);
    }
}
