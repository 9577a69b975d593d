package dev.pilotlight.gateway.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.experiment.RampStep;
import dev.pilotlight.gateway.catalog.Catalog;
import dev.pilotlight.gateway.prompt.PromptRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReleaseBookTest {
    static final Catalog CATALOG = Catalog.load(Path.of("../config/catalog.local.yaml"),
            java.util.Map.of("SIM_OPENAI_URL", "http://127.0.0.1:1/v1", "SIM_ANTHROPIC_URL", "http://127.0.0.1:1/v1/"));
    static final PromptRegistry REGISTRY = PromptRegistry.load(Path.of("../examples/prompts"), CATALOG.routes().values().stream().map(r -> r.promptId()).toList());
    private final List<ReleaseState> published = new ArrayList<>();
    private final ReleaseBook book = new ReleaseBook(CATALOG, REGISTRY, published::add);

    @Test
    void startsFromRoutesYaml() {
        ReleaseState s = book.current("claims-letter").orElseThrow();
        assertThat(s.productionVersion()).isEqualTo("1.0.0");
        assertThat(s.revision()).isZero();
        assertThat(book.assign("claims-letter", "alice").version()).isEqualTo("1.0.0");
    }

    @Test
    void releaseThenRollbackGoesBackToThePreviousVersionAndPublishesEachChange() {
        ReleaseState r = book.release("claims-letter", "1.1.0", null, 0, "admin", "ship it");
        assertThat(r.productionVersion()).isEqualTo("1.1.0");
        assertThat(r.previousVersion()).isEqualTo("1.0.0");
        assertThat(book.assign("claims-letter", "alice").version()).isEqualTo("1.1.0");

        ReleaseState back = book.rollback("claims-letter", "1.1.0", null, "guard", "errors").orElseThrow();
        assertThat(back.productionVersion()).isEqualTo("1.0.0");
        assertThat(back.previousVersion()).isEqualTo("1.1.0");
        assertThat(back.revision()).isEqualTo(2);
        // a second rollback of the same version changes nothing
        assertThat(book.rollback("claims-letter", "1.1.0", "1.0.0", "guard", "again")).isEmpty();
        assertThat(published).extracting(ReleaseState::revision).containsExactly(1L, 2L);
    }

    @Test
    void unknownVersionsAreRefused() {
        assertThatThrownBy(() -> book.release("claims-letter", "9.9.9", null, 0, "admin", null))
                .hasMessageContaining("production version 9.9.9 of prompt claims-letter does not exist");
        book.release("claims-letter", "1.1.0", null, 0, "admin", null);
        assertThatThrownBy(() -> book.rollback("claims-letter", "1.1.0", "0.0.1", "guard", null))
                .hasMessageContaining("rollback target 0.0.1");
        assertThat(book.current("claims-letter").orElseThrow().productionVersion()).isEqualTo("1.1.0");
    }

    @Test
    void candidateSplitIsStickyPerUserAndRoughlyTheConfiguredShare() {
        book.release("claims-letter", null, "1.1.0", 0.2, "admin", "canary");
        List<String> users = IntStream.range(0, 5000).mapToObj(i -> "user-" + i).toList();
        long onCandidate = users.stream().filter(u -> book.assign("claims-letter", u).variant().equals(Assignment.CANDIDATE)).count();
        assertThat(onCandidate / 5000.0).isBetween(0.17, 0.23);
        for (String u : users.subList(0, 100)) {
            assertThat(book.assign("claims-letter", u)).isEqualTo(book.assign("claims-letter", u));
        }
        Assignment a = book.assign("claims-letter", users.get(0));
        assertThat(a.experimentId()).isEqualTo("claims-letter:1.0.0-vs-1.1.0");
        // rolling back the candidate ends the experiment
        book.rollback("claims-letter", "1.1.0", null, "guard", "bad canary");
        assertThat(users.stream().map(u -> book.assign("claims-letter", u).version()).distinct()).containsExactly("1.0.0");
    }

    @Test
    void adoptsOnlyNewerRevisionsFromOtherReplicas() {
        ReleaseState newer = new ReleaseState(1, "claims-letter", "claims-letter", "1.1.0", "1.0.0", null, 0, 5, 10, "gw-2", null);
        assertThat(book.adopt(newer)).isEqualTo(ReleaseBook.Adoption.ADOPTED);
        ReleaseState older = new ReleaseState(1, "claims-letter", "claims-letter", "1.0.0", null, null, 0, 3, 20, "gw-3", null);
        assertThat(book.adopt(older)).isEqualTo(ReleaseBook.Adoption.OLDER);
        assertThat(book.current("claims-letter").orElseThrow().productionVersion()).isEqualTo("1.1.0");
        assertThat(book.adopt(new ReleaseState(1, "unknown", "x", "1.0.0", null, null, 0, 9, 1, "gw", null)))
                .isEqualTo(ReleaseBook.Adoption.UNCHANGED);
        assertThat(published).isEmpty(); // adopting is not a change of ours to publish
    }

    @Test
    void aStateThatCannotBeServedIsRefusedWithItsReasons() {
        assertThatThrownBy(() -> book.adopt(new ReleaseState(1, "claims-letter", "claims-letter", "9.9.9", null, null, 0, 5, 10, "gw-2", null)))
                .hasMessageContaining("version 9.9.9 does not exist");
        assertThatThrownBy(() -> book.adopt(new ReleaseState(1, "claims-letter", "other-route", "1.0.0", null, null, 0, 5, 10, "gw-2", null)))
                .hasMessageContaining("served on route claims-letter, not other-route");
        assertThatThrownBy(() -> book.adopt(new ReleaseState(1, "claims-letter", "claims-letter", "1.0.0", null, "1.1.0", 7, 5, 10, "gw-2", null)))
                .hasMessageContaining("split 7.0");
        assertThatThrownBy(() -> book.adopt(new ReleaseState(1, "claims-letter", "claims-letter", "1.0.0", null, null, 0, Long.MAX_VALUE, 10, "gw", null)))
                .hasMessageContaining("revision " + Long.MAX_VALUE + " is out of range");
        assertThat(book.current("claims-letter").orElseThrow().revision()).isZero();
    }

    @Test
    void aCanaryPlanIsCheckedWhenReleasedAndWhenAdopted() {
        List<RampStep> plan = List.of(new RampStep(0.1, 60_000, 10), new RampStep(0.05, 500, -1));
        assertThatThrownBy(() -> book.release("claims-letter", null, "1.1.0", 0.1, plan, "admin", null))
                .hasMessageContaining("plan[1].share 0.05 must be larger than the step before (0.1)")
                .hasMessageContaining("plan[1].bake must be from 1s to 90d, not 500 ms")
                .hasMessageContaining("plan[1].min_calls must be from 0 to 1000000000, not -1");
        List<RampStep> good = List.of(new RampStep(0.1, 60_000, 10), new RampStep(1.0, 60_000, 10));
        assertThatThrownBy(() -> book.release("claims-letter", null, "1.1.0", 0.5, good, "admin", null))
                .hasMessageContaining("split 0.5 is not the plan's first share 0.1");
        assertThatThrownBy(() -> book.release("claims-letter", "1.1.0", null, 0, good, "admin", null))
                .hasMessageContaining("a plan needs a candidate");
        assertThatThrownBy(() -> book.adopt(new ReleaseState(1, "claims-letter", "claims-letter", "1.0.0", null, "1.1.0", 0.1, 9, 10,
                "gw-2", null, null, plan))).hasMessageContaining("plan[1].share");
        assertThat(book.release("claims-letter", null, "1.1.0", 0.1, good, "admin", null).plan()).isEqualTo(good);
    }
}
