package dev.pilotlight.notify.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.SchemaVersion;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The daily digest's text: one line per episode, as it ended. */
class AlertTextTest {

    private static Alert alert(String id, String rule, Alert.State state) {
        return new Alert(SchemaVersion.CURRENT, id, rule, 3, state, Map.of(), 1, 1, 1_000L,
                state == Alert.State.RESOLVED ? 86_400_000L : null, rule + " summary", null, null, "v1");
    }

    @Test
    void anEpisodeThatFiredAndResolvedIsListedOnceAsResolved() {
        String text = AlertText.digest(LocalDate.of(2026, 11, 29), List.of(
                alert("e1", "low-adoption", Alert.State.FIRING),
                alert("e2", "cost-drift", Alert.State.FIRING),
                alert("e1", "low-adoption", Alert.State.RESOLVED)), List.of("Usage trend, claims-notes: DAU 3"));
        assertThat(text).startsWith("Pilotlight daily digest for 2026-11-29: 2 flag(s)\nUsage trend, claims-notes: DAU 3\n");
        assertThat(text.lines().filter(l -> l.startsWith("• "))).containsExactly(
                "• low-adoption: low-adoption summary (resolved 1970-01-02T00:00:00Z)",
                "• cost-drift: cost-drift summary (open)");
    }

    @Test
    void aTransitionReadsWithItsTierAndState() {
        assertThat(AlertText.line(alert("e3", "error-rate", Alert.State.FIRING))).isEqualTo("[P3 FIRING] error-rate: error-rate summary");
        assertThat(AlertText.line(alert("e3", "error-rate", Alert.State.RESOLVED))).startsWith("[P3 RESOLVED]");
    }
}
