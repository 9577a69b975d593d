package dev.pilotlight.common.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import java.lang.reflect.RecordComponent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Field reads by the generated accessors give what the record's own accessors give, for every kind of field. */
class RuleStreamTest {
    private static final InvocationEvent EVENT = InvocationEvent.builder().eventId("e-1").timestamp(1_700_000_000_123L)
            .gatewayId("gw").route("claims").promptVersion("1.2.0").status(InvocationStatus.ERROR).latencyMs(5_400)
            .costUsd(0.0125).piiRedactions(3).cacheHit(true).citations(List.of("doc-7")).build();

    @Test
    void everyFieldReadsAsTheRecordAccessorDoes() throws Exception {
        for (RecordComponent c : InvocationEvent.class.getRecordComponents()) {
            assertEquals(c.getAccessor().invoke(EVENT), RuleStream.INVOCATIONS.read(EVENT, c.getName()), c.getName());
        }
    }

    @Test
    void primitivesArriveBoxedAndComparable() {
        assertEquals(5_400L, RuleStream.INVOCATIONS.read(EVENT, "latencyMs"));
        assertEquals(0.0125, RuleStream.INVOCATIONS.read(EVENT, "costUsd"));
        assertEquals(3, RuleStream.INVOCATIONS.read(EVENT, "piiRedactions"));
        assertEquals(Boolean.TRUE, RuleStream.INVOCATIONS.read(EVENT, "cacheHit"));
        assertEquals(InvocationStatus.ERROR, RuleStream.INVOCATIONS.read(EVENT, "status"));
    }

    @Test
    void aRecordOfAnotherStreamReadsAsNothing() {
        assertNull(RuleStream.FEEDBACK.read(EVENT, "rating"));
    }

    @Test
    void anUnknownFieldIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RuleStream.INVOCATIONS.read(EVENT, "latency"));
        assertTrue(e.getMessage().contains("'latency'"), e.getMessage());
    }
}
