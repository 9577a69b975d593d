package dev.pilotlight.jobs.ingest;

import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.Heartbeat;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.rules.RuleSetUpdate;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Routes each decoded record to the stream of its type: invocations on the main output, the rest on side outputs. */
public final class SplitByRecordType extends ProcessFunction<Envelope, InvocationEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<FeedbackEvent> FEEDBACK = new OutputTag<>("feedback") {};
    public static final OutputTag<Heartbeat> HEARTBEATS = new OutputTag<>("heartbeats") {};
    public static final OutputTag<ReleaseState> RELEASES = new OutputTag<>("releases") {};
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};
    public static final OutputTag<RuleSetUpdate> RULES = new OutputTag<>("rule-sets") {};
    public static final OutputTag<dev.pilotlight.common.event.DriftBaseline> BASELINES = new OutputTag<>("drift-baselines") {};

    @Override
    public void processElement(Envelope e, Context ctx, Collector<InvocationEvent> out) {
        if (e.invocation() != null) {
            out.collect(e.invocation());
        } else if (e.feedback() != null) {
            ctx.output(FEEDBACK, e.feedback());
        } else if (e.heartbeat() != null) {
            ctx.output(HEARTBEATS, e.heartbeat());
        } else if (e.release() != null) {
            ctx.output(RELEASES, e.release());
        } else if (e.rules() != null) {
            ctx.output(RULES, e.rules());
        } else if (e.baseline() != null) {
            ctx.output(BASELINES, e.baseline());
        } else if (e.deadLetter() != null) {
            ctx.output(DEAD_LETTERS, e.deadLetter());
        }
    }
}
