package dev.pilotlight.jobs.metrics;

import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.jobs.ingest.Envelope;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Decides which series an event belongs to: every invocation to its release series (route,
 * promptVersion, variant, model) and its tenant series; feedback, which carries no tenant, to its
 * release series only.
 */
public final class AssignSeries implements FlatMapFunction<Envelope, SeriesEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(Envelope e, Collector<SeriesEvent> out) {
        if (e.invocation() != null) {
            InvocationEvent i = e.invocation();
            out.collect(new SeriesEvent(SeriesKeys.release(i.route(), i.promptVersion(), i.variant(), i.model()), i.timestamp(), i, null));
            out.collect(new SeriesEvent(SeriesKeys.tenant(i.tenant()), i.timestamp(), i, null));
        } else if (e.feedback() != null) {
            FeedbackEvent f = e.feedback();
            out.collect(new SeriesEvent(SeriesKeys.release(f.route(), f.promptVersion(), f.variant(), f.model()), f.timestamp(), null, f));
        }
    }
}
