package dev.pilotlight.reports.experiment;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.DecodeException;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.experiment.ExperimentState;
import dev.pilotlight.reports.TopicScan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads every state of a route's experiments that guard.experiments still holds (compacted: the latest of
 * each prompt always, older ones until the broker compacts them). With a signer, only states the guard
 * signed are kept; without one, none is verified and the report says so.
 */
public final class ExperimentStateReader {
    private final String bootstrap;
    private final CommandSigner signer;

    /** @param signer the control key's signer, or null to read without verifying */
    public ExperimentStateReader(String bootstrap, CommandSigner signer) {
        this.bootstrap = bootstrap;
        this.signer = signer;
    }

    /** The states read in the order they were published, and how many records were refused (unreadable or unsigned). */
    public record States(List<ExperimentState> states, int refused, boolean verified) {}

    public States read(String route, long from, long to) {
        List<ExperimentState> out = new ArrayList<>();
        int[] refused = {0};
        TopicScan.read(bootstrap, Topics.EXPERIMENTS, null, r -> {
            if (r.value() == null) {
                return; // a compaction tombstone
            }
            try {
                ExperimentState s = signer == null ? JsonCodec.decode(r.value(), ExperimentState.class)
                        : signer.verify(r.value(), ExperimentState.class, "experiment state");
                if (route.equals(s.route()) && s.updatedAt() >= from && s.updatedAt() < to) {
                    out.add(s);
                }
            } catch (DecodeException | CommandSigner.SignatureException e) {
                refused[0]++;
            }
        });
        out.sort(Comparator.comparingLong(ExperimentState::updatedAt));
        return new States(List.copyOf(out), refused[0], signer != null);
    }
}
