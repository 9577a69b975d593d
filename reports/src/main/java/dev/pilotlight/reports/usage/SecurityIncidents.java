package dev.pilotlight.reports.usage;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.reports.TopicScan;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Security alerts from guard.alerts (label team=security), one line per episode with its last state: those that started
 * in the period, and those still open whenever they started (an open one holds back the go/no-go).
 */
public final class SecurityIncidents {
    public record Incident(String alertId, String ruleId, int tier, long startsAt, Long endsAt, String state, String summary, String route) {}

    private SecurityIncidents() {}

    /** Episodes that concern {@code route} (or name no route), started from {@code from} on or still open, oldest first. */
    public static List<Incident> of(String bootstrap, String route, long from) {
        Map<String, Alert> last = new LinkedHashMap<>();
        TopicScan.read(bootstrap, Topics.ALERTS, null, r -> { // the whole retention: an open episode may have started long ago
            try {
                Alert a = JsonCodec.decode(r.value(), Alert.class);
                String named = a.labels() == null ? null : a.labels().get("route");
                if (a.labels() != null && "security".equals(a.labels().get("team")) && (named == null || named.equals(route))) {
                    last.put(a.alertId(), a);
                }
            } catch (RuntimeException e) {
                // unreadable: skipped
            }
        });
        return last.values().stream().filter(a -> a.startsAt() >= from || a.state() == Alert.State.FIRING)
                .sorted(Comparator.comparingLong(Alert::startsAt)).map(a -> new Incident(a.alertId(), a.ruleId(), a.tier(),
                        a.startsAt(), a.endsAt(), a.state().name(), a.summary(), a.labels().get("route"))).toList();
    }
}
