package dev.pilotlight.testkit;

import java.util.List;

/**
 * API keys of the local demo profile, whose hashes are in config/api-keys.local.yaml. Published on
 * purpose (README.md) so anyone can try the embedded stack; they mean nothing anywhere else.
 */
public final class DemoKeys {
    public static final String ADMIN = "pl-demo-admin-0000000000000004";
    /** Role service: what a Prometheus scraper uses for /metrics. */
    public static final String METRICS = "pl-demo-metrics-0000000000000005";
    public static final List<String> USERS = List.of(
            "pl-demo-alice-0000000000000001", "pl-demo-bob-00000000000000000002", "pl-demo-carol-0000000000000003");

    /** The pilot group (pilot01..pilot64) of config/api-keys.local.yaml: enough users for steady scenario traffic within the per-user limit. */
    public static final List<String> PILOT_USERS = java.util.stream.IntStream.rangeClosed(1, 64)
            .mapToObj(i -> String.format("pl-demo-pilot%02d-0000000000%04d", i, i)).toList();

    /** User looper (tenant acme): the runaway-user scenario's looping script, used by nothing else so its throttle touches no other scenario. */
    public static final String LOOPER = "pl-demo-looper-000000000000000006";

    private DemoKeys() {}
}
