package dev.pilotlight.jobs.cost;

import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.control.DecisionIds;
import dev.pilotlight.common.cost.Schedule;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.SchemaVersion;
import java.io.Serializable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides, on a route's calls, whether its schedule's business hours are over (docs/cost.md, "Schedules"):
 * the first call after hours puts THROTTLE_USER (scope route: each user of the route) in force on every
 * replica until business hours begin again, with a tier-3 note for the daily digest. Once per off-hours
 * period: the command's id names the schedule, the route and the period's end.
 */
final class OffHoursThrottle implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String RULE = "off-hours-throttle";

    private final CostSettings settings;

    OffHoursThrottle(CostSettings settings) {
        this.settings = settings;
    }

    /**
     * @param issued schedule id → the end of the off-hours period already throttled (kept in the route's state)
     * @return the commands to issue (none during business hours or when already issued)
     */
    List<ControlCommand> decide(String route, long at, List<Schedule> schedules, Map<String, Long> issued, long now,
                                java.util.function.Consumer<Alert> alerts) {
        issued.values().removeIf(until -> until <= at);
        List<ControlCommand> out = new java.util.ArrayList<>();
        for (Schedule s : schedules) {
            if (!s.route().equals(route) || s.open(at, settings.zone())) {
                continue;
            }
            long until = s.nextOpening(at, settings.zone());
            if (Long.valueOf(until).equals(issued.get(s.id()))) {
                continue;
            }
            issued.put(s.id(), until);
            Map<String, String> params = new LinkedHashMap<>();
            params.put("perMinute", String.valueOf(s.perMinute()));
            params.put("scope", "route");
            params.put("until", String.valueOf(until));
            String alertId = DecisionIds.of("alert", RULE, s.id(), route, String.valueOf(until));
            String reason = "schedule " + s.id() + ": outside business hours until " + Instant.ofEpochMilli(until);
            ControlCommand c = new ControlCommand(SchemaVersion.CURRENT, DecisionIds.of("cmd", RULE, s.id(), route, String.valueOf(until)), now,
                    CommandType.THROTTLE_USER, route, params, reason, alertId, CostCommands.ISSUER, until, null);
            out.add(c);
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("route", route);
            labels.put("schedule", s.id());
            alerts.accept(new Alert(SchemaVersion.CURRENT, alertId, RULE, 3, Alert.State.FIRING, labels, s.perMinute(), s.perMinute(), at,
                    null, "route " + route + " throttled to " + s.perMinute() + " calls a minute per user until business hours begin at "
                    + Instant.ofEpochMilli(until).atZone(settings.zone()).toLocalDateTime(), CostCommands.RUNBOOK, c.commandId(), null));
        }
        return out;
    }
}
