package dev.pilotlight.local.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@code ./pilotlight bench gateway} measures and how (docs/benchmarks.md).
 *
 * @param rate requests per second in the fixed-rate phases
 * @param seconds measured seconds per phase, after {@code warmupSeconds}
 * @param driftOffToo also measure a gateway whose routes sample nothing for drift (the cost of the drift features, docs/drift.md)
 * @param peer also measure Portkey's gateway beside Pilotlight's route and model alias (peer/SideBySide)
 * @param inFlight last, this many calls at once against an upstream that answers after {@code upstreamLatency} (0: skip)
 * @param inFlightRamp how long starting those calls takes; null: about 1,000 a second (at least 3 s)
 * @param heap the gateway JVM's heap, fixed (-Xms = -Xmx), e.g. 192m
 * @param upstreamHttp2 the gateway reaches the simulated provider over HTTP/2 (h2c) instead of HTTP/1.1
 */
public record GatewayBenchSettings(Path home, int rate, int seconds, int warmupSeconds, boolean driftOffToo, boolean peer, int inFlight,
                                   Duration inFlightRamp, Duration upstreamLatency, String heap, boolean upstreamHttp2) {
}
