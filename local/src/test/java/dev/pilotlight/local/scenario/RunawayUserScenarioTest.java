package dev.pilotlight.local.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.gateway.control.AppliedCommand;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How the runaway-user scenario judges what it saw: the in-flight bound, and a call served after its replica's block. */
class RunawayUserScenarioTest {
    private static final double COST = 0.0001;

    private static AppliedCommand blockAt(long at) {
        return new AppliedCommand("c-" + at, CommandType.BLOCK_USER, "looper", null, at - 50, at, "blocked");
    }

    @Test
    void theBoundCountsOneCallPerLoopAndTheCallsStartedWhileTheBlockTravelled() {
        List<LoopingScript.Call> calls = List.of(
                new LoopingScript.Call(0, 900, 1_000, 200, COST), // the crossing call
                new LoopingScript.Call(0, 1_000, 1_200, 200, COST), // started while deciding
                new LoopingScript.Call(1, 1_100, 1_300, 200, COST), // started while deciding
                new LoopingScript.Call(1, 1_300, 1_310, 403, 0)); // after the block: not counted
        assertThat(RunawayUserScenario.inFlightBound(calls, 8, 1_000L, 200L, COST)).isCloseTo(10 * COST, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(RunawayUserScenario.inFlightBound(calls, 8, null, 200L, COST)).isZero();
    }

    @Test
    void aCallServedAfterItsOwnReplicaAppliedTheBlockIsFoundAndOneSentBeforeIsNot() {
        List<Optional<AppliedCommand>> blocks = List.of(Optional.of(blockAt(1_000)), Optional.of(blockAt(1_100)));
        LoopingScript.Call beforeTheBlock = new LoopingScript.Call(1, 1_050, 1_400, 200, COST); // replica 1 blocked at 1,100
        LoopingScript.Call refused = new LoopingScript.Call(0, 1_010, 1_020, 403, 0);
        assertThat(RunawayUserScenario.servedAfterItsBlock(List.of(beforeTheBlock, refused), blocks)).isEmpty();

        LoopingScript.Call leaked = new LoopingScript.Call(0, 1_011, 1_400, 200, COST); // replica 0 blocked at 1,000
        assertThat(RunawayUserScenario.servedAfterItsBlock(List.of(beforeTheBlock, refused, leaked), blocks)).contains(leaked);
        assertThat(RunawayUserScenario.servedAfterItsBlock(List.of(leaked), List.of(Optional.empty(), Optional.of(blockAt(1_100)))))
                .as("a replica that never applied the block").isEmpty();
    }
}
