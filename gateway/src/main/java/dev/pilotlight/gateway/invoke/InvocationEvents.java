package dev.pilotlight.gateway.invoke;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.gateway.auth.Principal;
import dev.pilotlight.gateway.events.EventEmitter;
import dev.pilotlight.gateway.metrics.GatewayMetrics;

/** Where a call's InvocationEvent goes: counted in the gateway's metrics, then to llm.invocations keyed by user. */
final class InvocationEvents {
    private final EventEmitter events;
    private final GatewayMetrics metrics;

    InvocationEvents(EventEmitter events, GatewayMetrics metrics) {
        this.events = events;
        this.metrics = metrics;
    }

    /**
     * Stamped when the call ends and the event is sent, not when it began: its time is then close to the
     * broker's append time whatever the model's latency, so the guard's bounded out-of-orderness holds and
     * a slow call is not late for event-time rules (docs/operations.md, "What the guard job guarantees").
     */
    void emit(Principal caller, InvocationEvent.Builder ev) {
        send(caller, ev.timestamp(System.currentTimeMillis()));
    }

    /** Sends the event as stamped already. */
    void send(Principal caller, InvocationEvent.Builder ev) {
        InvocationEvent e = ev.build();
        metrics.invocation(e);
        events.emit(Topics.INVOCATIONS, caller.userId(), e);
    }
}
