package dev.pilotlight.notify.receiver;

import dev.pilotlight.common.event.Alert;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How alerts read as chat text. */
final class AlertText {
    private AlertText() {}

    static String line(Alert a) {
        String mark = a.state() == Alert.State.RESOLVED ? "RESOLVED" : "FIRING";
        return "[P" + a.tier() + " " + mark + "] " + a.ruleId() + ": " + (a.summary() == null ? "" : a.summary());
    }

    /**
     * The day's summary lines, then its flags, one line each; an alert that fired and resolved is listed once, as it
     * ended. Sent on a quiet day too: "0 flag(s)" is news.
     */
    static String digest(LocalDate day, List<Alert> alerts, List<String> summary) {
        Map<String, Alert> latest = new LinkedHashMap<>();
        for (Alert a : alerts) {
            latest.put(a.alertId(), a);
        }
        StringBuilder sb = new StringBuilder("Pilotlight daily digest for " + day + ": " + latest.size() + " flag(s)");
        for (String line : summary) {
            sb.append("\n").append(line);
        }
        for (Alert a : latest.values()) {
            sb.append("\n• ").append(a.ruleId()).append(": ").append(a.summary() == null ? "" : a.summary())
                    .append(a.state() == Alert.State.RESOLVED ? " (resolved " + Instant.ofEpochMilli(a.endsAt()) + ")" : " (open)");
        }
        return sb.toString();
    }
}
