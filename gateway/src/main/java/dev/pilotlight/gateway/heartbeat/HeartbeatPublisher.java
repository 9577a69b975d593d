package dev.pilotlight.gateway.heartbeat;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.event.Heartbeat;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.event.SchemaVersion;
import dev.pilotlight.gateway.control.CommandApplier;
import dev.pilotlight.gateway.control.CommandOutcome;
import dev.pilotlight.gateway.events.EventEmitter;
import dev.pilotlight.gateway.release.ReleaseBook;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/** Publishes this replica's liveness and what it serves to llm.heartbeats at a fixed interval. */
public final class HeartbeatPublisher implements AutoCloseable {
    public static final String VERSION = "0.1.0";

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heartbeat");
        t.setDaemon(true);
        return t;
    });
    private final String gatewayId;
    private final EventEmitter events;
    private final ReleaseBook releases;
    private final CommandApplier applier;
    private final IntSupplier inFlight;

    public HeartbeatPublisher(String gatewayId, EventEmitter events, ReleaseBook releases, CommandApplier applier, IntSupplier inFlight) {
        this.gatewayId = gatewayId;
        this.events = events;
        this.releases = releases;
        this.applier = applier;
        this.inFlight = inFlight;
    }

    public void start(Duration interval) {
        timer.scheduleAtFixedRate(this::beat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void beat() {
        Map<String, String> serving = new TreeMap<>();
        for (ReleaseState s : releases.all()) {
            serving.put(s.promptId(), describe(s));
        }
        events.emit(Topics.HEARTBEATS, gatewayId, new Heartbeat(SchemaVersion.CURRENT, gatewayId, System.currentTimeMillis(),
                VERSION, inFlight.getAsInt(), events.spoolDepth(),
                applier.count(CommandOutcome.APPLIED, CommandOutcome.NO_OP),
                applier.count(CommandOutcome.REJECTED_SIGNATURE, CommandOutcome.REJECTED_EXPIRED,
                        CommandOutcome.REJECTED_MALFORMED, CommandOutcome.REJECTED_INVALID),
                serving));
    }

    static String describe(ReleaseState s) {
        String out = "production=" + s.productionVersion();
        if (s.candidateVersion() != null) {
            out += ",candidate=" + s.candidateVersion() + "@" + s.candidateSplit();
        }
        return out + ",revision=" + s.revision();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
