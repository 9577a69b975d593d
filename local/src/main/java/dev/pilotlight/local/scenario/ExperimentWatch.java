package dev.pilotlight.local.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.experiment.ExperimentState;
import dev.pilotlight.gateway.control.AppliedCommand;
import dev.pilotlight.local.stack.EmbeddedStack;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.http.GatewayClient;
import java.util.Comparator;
import java.util.Optional;

/** What the experiment scenarios read back: experiments from the admin API, commands as the gateway applied them. */
final class ExperimentWatch {
    private final EmbeddedStack stack;
    private final GatewayClient client;

    ExperimentWatch(EmbeddedStack stack, GatewayClient client) {
        this.stack = stack;
        this.client = client;
    }

    /** The prompt's latest experiment as GET /admin/experiments shows it, if it is about {@code candidate}. */
    Optional<ExperimentState> experiment(String promptId, String candidate) {
        GatewayClient.Response r = client.get("/admin/experiments", DemoKeys.ADMIN);
        if (r.status() != 200) {
            throw new IllegalStateException("GET /admin/experiments answered " + r.status() + ": " + r.raw());
        }
        for (JsonNode n : r.body()) {
            ExperimentState s = JsonCodec.mapper().convertValue(n, ExperimentState.class);
            if (s.promptId().equals(promptId) && s.candidateVersion().equals(candidate)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The first command of {@code type} on {@code promptId} that this gateway applied after {@code since}. */
    Optional<AppliedCommand> applied(String promptId, CommandType type, long since) {
        return stack.gateway().commands().recent().stream()
                .filter(c -> c.target().equals(promptId) && c.type() == type && c.appliedAt() >= since)
                .min(Comparator.comparingLong(AppliedCommand::appliedAt));
    }
}
