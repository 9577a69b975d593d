package dev.pilotlight.common.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.common.rules.RuleSet;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.common.rules.RuleValidationException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A roster file is read with the rule files; every problem is named with file and line. */
class RosterReaderTest {

    @Test
    void theShippedRosterFileIsValid() {
        RuleSet set = RuleSetLoader.load(Path.of("../alert-rules"));
        assertThat(set.rosters()).singleElement().satisfies(r -> {
            assertThat(r.route()).isEqualTo("claims-notes");
            assertThat(r.users()).hasSize(25).contains("pilot01", "pilot25");
            assertThat(r.source()).startsWith("../alert-rules/rosters.yaml:");
        });
    }

    @Test
    void aRosterIsReadWithEveryField() {
        Roster r = RuleSetLoader.parse(Map.of("r.yaml", """
                rosters:
                  - route: claims-letter
                    description: pilot group
                    invited: 2026-11-02
                    users: [ann, bob]
                """)).rosters().get(0);
        assertThat(r).isEqualTo(new Roster("claims-letter", Set.of("ann", "bob"), Instant.parse("2026-11-02T00:00:00Z").toEpochMilli(),
                "r.yaml:2"));
    }

    @Test
    void everyProblemIsNamedWithItsLine() {
        assertThatThrownBy(() -> RuleSetLoader.parse(Map.of("r.yaml", """
                rosters:
                  - route: claims-letter
                    users: [cy]
                  - route: claims-letter
                    invited: next tuesday
                    users: [ann, ann, "bad user"]
                  - users: [dee]
                    colour: blue
                """))).isInstanceOf(RuleValidationException.class).hasMessageContainingAll(
                "r.yaml:5: invited must be a date", "r.yaml:6: user 'ann' is listed twice", "r.yaml:6: 'bad user' is not a user id",
                "r.yaml:4: route 'claims-letter' already has a roster (r.yaml:2)", "r.yaml:8: unknown roster key 'colour'",
                "r.yaml:7: a roster needs the route");
    }
}
