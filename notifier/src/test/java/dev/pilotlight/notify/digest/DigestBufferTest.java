package dev.pilotlight.notify.digest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.SchemaVersion;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tier-3 alerts wait on disk for the daily digest; a sent digest removes exactly what it held. */
class DigestBufferTest {

    static Alert alert(String id, Alert.State state) {
        return new Alert(SchemaVersion.CURRENT, id, "low-adoption", 3, state, Map.of("route", "claims-letter"), 0.4, 0.5,
                1_000L, state == Alert.State.RESOLVED ? 2_000L : null, "adoption below target", null, null, "v1");
    }

    @Test
    void alertsSurviveANewBufferOnTheSameDirectory(@TempDir Path dir) {
        new DigestBuffer(dir, "slack").add(alert("a1", Alert.State.FIRING));
        new DigestBuffer(dir, "slack").add(alert("a2", Alert.State.FIRING));
        assertThat(new DigestBuffer(dir, "slack").read()).extracting(Alert::alertId).containsExactly("a1", "a2");
        assertThat(new DigestBuffer(dir, "other").read()).isEmpty();
    }

    @Test
    void droppingTheSentOnesKeepsThoseThatArrivedAfterTheDigestWasBuilt(@TempDir Path dir) {
        DigestBuffer b = new DigestBuffer(dir, "hook");
        b.add(alert("a1", Alert.State.FIRING));
        b.add(alert("a2", Alert.State.FIRING));
        int held = b.read().size();
        b.add(alert("a3", Alert.State.FIRING)); // arrives while the digest is on its way
        b.dropFirst(held);
        assertThat(b.read()).extracting(Alert::alertId).containsExactly("a3");
        b.dropFirst(5);
        assertThat(b.read()).isEmpty();
    }
}
