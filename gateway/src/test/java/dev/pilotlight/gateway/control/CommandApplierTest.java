package dev.pilotlight.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.gateway.catalog.Catalog;
import dev.pilotlight.common.audit.AuditChain;
import dev.pilotlight.gateway.audit.AuditLog;
import dev.pilotlight.gateway.policy.Policies;
import dev.pilotlight.gateway.prompt.PromptRegistry;
import dev.pilotlight.gateway.release.ReleaseBook;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandApplierTest {
    static final Catalog CATALOG = Catalog.load(Path.of("../config/catalog.local.yaml"),
            java.util.Map.of("SIM_OPENAI_URL", "http://127.0.0.1:1/v1", "SIM_ANTHROPIC_URL", "http://127.0.0.1:1/v1/"));
    static final CommandSigner SIGNER = CommandSigner.fromSecret("applier-test-key-applier-test-key-123");
    static final long NOW = 1_800_000_000_000L;

    private final List<String> rejected = new ArrayList<>();
    private ReleaseBook releases;
    private CommandApplier applier;
    private Policies policies;
    private Path auditFile;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        releases = new ReleaseBook(CATALOG, PromptRegistry.load(Path.of("../examples/prompts"), CATALOG.routes().values().stream().map(r -> r.promptId()).toList()), s -> {});
        releases.release("claims-letter", "1.1.0", null, 0, "admin", null);
        policies = new Policies();
        auditFile = dir.resolve("audit.log");
        applier = new CommandApplier(SIGNER, releases, policies, CATALOG, new AuditLog(auditFile, "gw-test"), Duration.ofHours(1),
                (reason, raw) -> rejected.add(reason));
    }

    static ControlCommand rollback(String id, long expiresAt) {
        return new ControlCommand(1, id, NOW, CommandType.ROLLBACK_PROMPT, "claims-letter",
                Map.of("fromVersion", "1.1.0", "toVersion", "1.0.0"), "error rate", "alert-1", "guard", expiresAt, null);
    }

    static byte[] signed(ControlCommand c) {
        return JsonCodec.encode(SIGNER.sign(c));
    }

    @Test
    void appliesOnceAndDropsTheRepeat() {
        byte[] cmd = signed(rollback("cmd-1", NOW + 60_000));
        assertThat(applier.apply(cmd, NOW, false)).isEqualTo(CommandOutcome.APPLIED);
        assertThat(releases.current("claims-letter").orElseThrow().productionVersion()).isEqualTo("1.0.0");
        long revision = releases.current("claims-letter").orElseThrow().revision();

        assertThat(applier.apply(cmd, NOW + 5, false)).isEqualTo(CommandOutcome.DUPLICATE);
        assertThat(releases.current("claims-letter").orElseThrow().revision()).isEqualTo(revision);
        assertThat(applier.count(CommandOutcome.APPLIED)).isEqualTo(1);
        assertThat(applier.recent()).singleElement().satisfies(a -> {
            assertThat(a.commandId()).isEqualTo("cmd-1");
            assertThat(a.result()).isEqualTo("production 1.0.0");
        });
    }

    @Test
    void everyCommandIsInTheHashChainedAuditLogAndTamperingIsDetected() throws Exception {
        applier.apply(signed(rollback("cmd-1", NOW + 60_000)), NOW, false);
        applier.apply("garbage".getBytes(StandardCharsets.UTF_8), NOW, false);
        applier.apply(signed(cmd("b1", CommandType.BLOCK_USER, "mallory", Map.of())), NOW, false);
        List<String> lines = java.nio.file.Files.readAllLines(auditFile);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("\"action\":\"command-applied\"").contains("cmd-1");
        assertThat(lines.get(1)).contains("command-rejected");
        assertThat(AuditChain.verify(auditFile)).isEmpty();

        java.nio.file.Files.writeString(auditFile, String.join("\n", lines.get(0).replace("mallory", "x"),
                lines.get(1), lines.get(2).replace("mallory", "someone-else")) + "\n");
        assertThat(AuditChain.verify(auditFile)).hasValueSatisfying(b -> {
            assertThat(b.line()).isEqualTo(3);
            assertThat(b.reason()).contains("record changed");
        });
        java.nio.file.Files.writeString(auditFile, String.join("\n", lines.get(0), lines.get(2)) + "\n");
        assertThat(AuditChain.verify(auditFile)).hasValueSatisfying(b -> assertThat(b.reason()).contains("removed or reordered"));
    }

    @Test
    void anotherCommandForAnAlreadyRolledBackVersionIsANoOp() {
        applier.apply(signed(rollback("cmd-1", NOW + 60_000)), NOW, false);
        assertThat(applier.apply(signed(rollback("cmd-2", NOW + 60_000)), NOW, false)).isEqualTo(CommandOutcome.NO_OP);
    }

    @Test
    void badSignatureAndExpiryAreSecurityEventsAndChangeNothing() {
        String tampered = new String(signed(rollback("cmd-1", NOW + 60_000)), StandardCharsets.UTF_8).replace("1.0.0", "0.0.1");
        assertThat(applier.apply(tampered.getBytes(StandardCharsets.UTF_8), NOW, false)).isEqualTo(CommandOutcome.REJECTED_SIGNATURE);
        assertThat(applier.apply(signed(rollback("cmd-2", NOW - 1)), NOW, false)).isEqualTo(CommandOutcome.REJECTED_EXPIRED);
        assertThat(applier.apply("not json".getBytes(StandardCharsets.UTF_8), NOW, false)).isEqualTo(CommandOutcome.REJECTED_MALFORMED);
        assertThat(releases.current("claims-letter").orElseThrow().productionVersion()).isEqualTo("1.1.0");
        assertThat(rejected).hasSize(3);
        assertThat(rejected.get(0)).startsWith("REJECTED_SIGNATURE");
        assertThat(CommandOutcome.REJECTED_SIGNATURE.isSecurityEvent()).isTrue();
    }

    @Test
    void expiredCommandsReadDuringStartUpReplayAreSkippedQuietly() {
        assertThat(applier.apply(signed(rollback("cmd-old", NOW - 1)), NOW, true)).isEqualTo(CommandOutcome.SKIPPED_STALE);
        assertThat(rejected).isEmpty();
    }

    @Test
    void invalidTargetIsRejected() {
        ControlCommand badTarget = new ControlCommand(1, "cmd-3", NOW, CommandType.ROLLBACK_PROMPT, "claims-letter",
                Map.of("fromVersion", "1.1.0", "toVersion", "7.7.7"), "x", null, "guard", NOW + 60_000, null);
        assertThat(applier.apply(signed(badTarget), NOW, false)).isEqualTo(CommandOutcome.REJECTED_INVALID);
        assertThat(rejected.get(0)).contains("rollback target 7.7.7");
    }

    @Test
    void aRollbackDecidedOnAnOlderRevisionIsStale() {
        long rev = releases.current("claims-letter").orElseThrow().revision();
        ControlCommand c = new ControlCommand(1, "cmd-r", NOW, CommandType.ROLLBACK_PROMPT, "claims-letter",
                Map.of("fromVersion", "1.1.0", "revision", String.valueOf(rev - 1)), "x", null, "guard", NOW + 60_000, null);
        assertThat(applier.apply(signed(c), NOW, false)).isEqualTo(CommandOutcome.NO_OP);
        assertThat(releases.current("claims-letter").orElseThrow().productionVersion()).isEqualTo("1.1.0");
    }

    static ControlCommand cmd(String id, CommandType type, String target, Map<String, String> params) {
        return new ControlCommand(1, id, NOW, type, target, params, "guard decision", null, "guard", NOW + 60_000, null);
    }

    @Test
    void aScopedCommandCoversEveryUserOfItsTenantOrRouteAndTheLowestThrottleWins() {
        var aliceOnLetters = new Policies.Subject("alice", "acme", "claims-letter");
        var carolOnTriage = new Policies.Subject("carol", "globex", "claims-triage");
        assertThat(applier.apply(signed(cmd("d1", CommandType.DEGRADE_USER, "acme", Map.of("scope", "tenant",
                "until", String.valueOf(NOW + 1000)))), NOW, false)).isEqualTo(CommandOutcome.APPLIED);
        assertThat(policies.degraded(aliceOnLetters, NOW)).isPresent();
        assertThat(policies.degraded(carolOnTriage, NOW)).isEmpty();
        assertThat(applier.recent().get(0).result()).endsWith("(every user of tenant acme)");

        applier.apply(signed(cmd("t1", CommandType.THROTTLE_USER, "claims-letter", Map.of("perMinute", "30", "scope", "route"))), NOW, false);
        applier.apply(signed(cmd("t2", CommandType.THROTTLE_USER, "alice", Map.of("perMinute", "6"))), NOW, false);
        assertThat(policies.throttle(aliceOnLetters, NOW)).contains(6L);
        assertThat(policies.throttle(new Policies.Subject("bob", "acme", "claims-letter"), NOW)).contains(30L);
        assertThat(policies.throttle(carolOnTriage, NOW)).isEmpty();

        applier.apply(signed(cmd("b1", CommandType.BLOCK_USER, "globex", Map.of("scope", "tenant"))), NOW, false);
        assertThat(policies.blocked(carolOnTriage, NOW)).isPresent();
        applier.apply(signed(cmd("u1", CommandType.UNBLOCK_USER, "globex", Map.of("scope", "tenant"))), NOW, false);
        assertThat(policies.blocked(carolOnTriage, NOW)).isEmpty();

        assertThat(applier.apply(signed(cmd("x1", CommandType.BLOCK_USER, "acme", Map.of("scope", "galaxy"))), NOW, false))
                .isEqualTo(CommandOutcome.REJECTED_INVALID);
        assertThat(rejected.get(rejected.size() - 1)).contains("param 'scope' must be one of user, tenant, route, not 'galaxy'");
    }

    @Test
    void userAndRouteCommandsTakeEffectUntilTheyExpire() {
        assertThat(applier.apply(signed(cmd("b1", CommandType.BLOCK_USER, "mallory", Map.of("until", String.valueOf(NOW + 1000)))), NOW, false))
                .isEqualTo(CommandOutcome.APPLIED);
        assertThat(policies.blocked("mallory", NOW + 999)).isPresent();
        assertThat(policies.blocked("mallory", NOW + 1000)).isEmpty(); // expired

        applier.apply(signed(cmd("t1", CommandType.THROTTLE_USER, "bob", Map.of("perMinute", "5"))), NOW, false);
        assertThat(policies.throttle("bob", NOW)).contains(5L);
        applier.apply(signed(cmd("u1", CommandType.UNBLOCK_USER, "bob", Map.of())), NOW, false);
        assertThat(policies.throttle("bob", NOW)).isEmpty();

        applier.apply(signed(cmd("m1", CommandType.ROUTE_MODEL, "claims-letter", Map.of("model", "sim-mini"))), NOW, false);
        assertThat(policies.modelOverride("claims-letter", NOW)).contains("sim-mini");
        assertThat(applier.apply(signed(cmd("m2", CommandType.ROUTE_MODEL, "claims-letter", Map.of("model", "gpt-99"))), NOW, false))
                .isEqualTo(CommandOutcome.REJECTED_INVALID);

        applier.apply(signed(cmd("p1", CommandType.PAUSE_ROUTE, "claims-letter", Map.of())), NOW, false);
        assertThat(policies.paused("claims-letter", NOW)).isPresent();
        applier.apply(signed(cmd("p2", CommandType.PAUSE_ROUTE, "claims-letter", Map.of("paused", "false"))), NOW, false);
        assertThat(policies.paused("claims-letter", NOW)).isEmpty();
    }

    @Test
    void splitAndPromotionChangeTheRelease() {
        releases.rollback("claims-letter", "1.1.0", "1.0.0", "admin", null);
        applier.apply(signed(cmd("s1", CommandType.SET_SPLIT, "claims-letter", Map.of("candidate", "1.1.0", "split", "0.5"))), NOW, false);
        assertThat(releases.current("claims-letter").orElseThrow().candidateSplit()).isEqualTo(0.5);
        applier.apply(signed(cmd("pv", CommandType.PROMOTE_VARIANT, "claims-letter", Map.of("version", "1.1.0"))), NOW, false);
        assertThat(releases.current("claims-letter").orElseThrow().productionVersion()).isEqualTo("1.1.0");
        assertThat(releases.current("claims-letter").orElseThrow().candidateVersion()).isNull();
    }

    @Test
    void aPromotionOrSplitDecidedOnAnOlderRevisionIsStaleAndOneOnTheCurrentAppliesAndKeepsThePlan() {
        releases.rollback("claims-letter", "1.1.0", "1.0.0", "admin", null);
        List<dev.pilotlight.common.experiment.RampStep> plan = List.of(new dev.pilotlight.common.experiment.RampStep(0.1, 60_000, 10),
                new dev.pilotlight.common.experiment.RampStep(0.5, 60_000, 10));
        ReleaseState canary = releases.release("claims-letter", null, "1.1.0", 0.1, plan, "admin", "canary");
        long rev = canary.revision();
        assertThat(applier.apply(signed(cmd("pv-old", CommandType.PROMOTE_VARIANT, "claims-letter",
                Map.of("version", "1.1.0", "revision", String.valueOf(rev - 1)))), NOW, false)).isEqualTo(CommandOutcome.NO_OP);
        assertThat(applier.apply(signed(cmd("s-old", CommandType.SET_SPLIT, "claims-letter",
                Map.of("split", "0.5", "revision", String.valueOf(rev - 1)))), NOW, false)).isEqualTo(CommandOutcome.NO_OP);
        assertThat(releases.current("claims-letter").orElseThrow().candidateSplit()).isEqualTo(0.1);
        assertThat(applier.apply(signed(cmd("s-now", CommandType.SET_SPLIT, "claims-letter",
                Map.of("split", "0.5", "candidate", "1.1.0", "revision", String.valueOf(rev)))), NOW, false)).isEqualTo(CommandOutcome.APPLIED);
        ReleaseState stepped = releases.current("claims-letter").orElseThrow();
        assertThat(stepped.candidateSplit()).isEqualTo(0.5);
        assertThat(stepped.plan()).as("the ramp's plan stays with its candidate").isEqualTo(plan);
        assertThat(applier.apply(signed(cmd("pv-now", CommandType.PROMOTE_VARIANT, "claims-letter",
                Map.of("version", "1.1.0", "revision", String.valueOf(stepped.revision())))), NOW, false)).isEqualTo(CommandOutcome.APPLIED);
        assertThat(releases.current("claims-letter").orElseThrow().plan()).isNull();
    }
}
