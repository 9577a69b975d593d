package dev.pilotlight.gateway.experiment;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.usage.Scorecard;
import dev.pilotlight.gateway.control.SignedBoard;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The latest signed go/no-go scorecard of each route, as the guard job published it on guard.scorecards (docs/usage.md), for the admin API. */
public final class ScorecardBoard extends SignedBoard<Scorecard> {
    public ScorecardBoard(CommandSigner signer, BiConsumer<String, ConsumerRecord<String, byte[]>> deadLetter) {
        super(Topics.SCORECARDS, "scorecard", Scorecard.class, Scorecard::key, Scorecard::asOf, s -> s.withSignature(null), signer, deadLetter);
    }

    /** Every route's latest scorecard and its tenants', by key (route, then route|tenant). */
    public List<Scorecard> all() {
        return all(Comparator.comparing(Scorecard::key));
    }
}
