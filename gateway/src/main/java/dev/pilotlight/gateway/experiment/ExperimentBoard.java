package dev.pilotlight.gateway.experiment;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.experiment.ExperimentState;
import dev.pilotlight.gateway.control.SignedBoard;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The latest signed experiment state of each prompt, as the guard job published it on guard.experiments, for the admin API. */
public final class ExperimentBoard extends SignedBoard<ExperimentState> {
    public ExperimentBoard(CommandSigner signer, BiConsumer<String, ConsumerRecord<String, byte[]>> deadLetter) {
        super(Topics.EXPERIMENTS, "experiment state", ExperimentState.class, ExperimentState::promptId, ExperimentState::updatedAt,
                s -> s.withSignature(null), signer, deadLetter);
    }

    /** Every prompt's latest experiment, by route. */
    public List<ExperimentState> all() {
        return all(Comparator.comparing(s -> s.route() == null ? s.promptId() : s.route()));
    }
}
