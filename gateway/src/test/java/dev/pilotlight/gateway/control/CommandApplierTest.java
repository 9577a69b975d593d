package dev.pilotlight.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.gateway.catalog.Catalog;
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

class CommandApplierTest {
    static final Catalog CATALOG = Catalog.load(Path.of("../config/catalog.local.yaml"),
            java.util.Map.of("SIM_OPENAI_URL", "http://127.0.0.1:1/v1", "SIM_ANTHROPIC_URL", "http://127.0.0.1:1/v1/"));
    static final CommandSigner SIGNER = CommandSigner.fromSecret("applier-test-key-applier-test-key-123");
    static final long NOW = 1_800_000_000_000L;

    private final List<String> rejected = new ArrayList<>();
    private ReleaseBook releases;
    private CommandApplier applier;

    @BeforeEach
    void setUp() {
        releases = new ReleaseBook(CATALOG, PromptRegistry.load(Path.of("../examples/prompts"), CATALOG.routes().values().stream().map(r -> r.promptId()).toList()), s -> {});
        releases.release("claims-letter", "1.1.0", null, 0, "admin", null);
        applier = new CommandApplier(SIGNER, releases, Duration.ofHours(1), (reason, raw) -> rejected.add(reason));
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
    void invalidTargetIsRejectedAndUnsupportedTypesAreCounted() {
        ControlCommand badTarget = new ControlCommand(1, "cmd-3", NOW, CommandType.ROLLBACK_PROMPT, "claims-letter",
                Map.of("fromVersion", "1.1.0", "toVersion", "7.7.7"), "x", null, "guard", NOW + 60_000, null);
        assertThat(applier.apply(signed(badTarget), NOW, false)).isEqualTo(CommandOutcome.REJECTED_INVALID);
        ControlCommand block = new ControlCommand(1, "cmd-4", NOW, CommandType.BLOCK_USER, "mallory", Map.of(), "x", null,
                "guard", NOW + 60_000, null);
        assertThat(applier.apply(signed(block), NOW, false)).isEqualTo(CommandOutcome.UNSUPPORTED);
    }
}
