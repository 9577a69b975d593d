package dev.pilotlight.jobs.alerting;

import dev.pilotlight.common.DurationText;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.control.DecisionIds;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.rules.AbsenceRule;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decides that a group which was seen has gone silent (an absence rule): nothing for the rule's
 * {@code for} of event time fires; the next event resolves; after {@code forget_after} of silence the
 * group is forgotten (the alert resolves, saying so, and the state is cleared). Event time, not the
 * clock: the watermark follows the clock when a source is idle (every gateway silent), and after a
 * restore the replayed heartbeats move the group's last sighting before the watermark passes its
 * deadline, so an upgrade does not page "gateway down".
 */
public final class SilenceDetector extends KeyedProcessFunction<String, RuleInput, Alert> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<ControlCommand> COMMANDS = new OutputTag<>("silence-commands") {};

    private final Map<String, AbsenceRule> rules;
    private final ActionCommands commands;
    private final String rulesVersion;

    private transient ValueState<Long> lastSeen;
    private transient ValueState<Long> deadline;
    private transient ValueState<String> firing;
    private transient ValueState<String> group;

    public SilenceDetector(List<AbsenceRule> rules, ActionCommands commands, String rulesVersion) {
        this.rulesVersion = rulesVersion;
        this.rules = rules.stream().collect(Collectors.toUnmodifiableMap(AbsenceRule::id, Function.identity()));
        this.commands = commands;
    }

    @Override
    public void open(OpenContext ctx) {
        lastSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("last-seen", Types.LONG));
        deadline = getRuntimeContext().getState(new ValueStateDescriptor<>("deadline", Types.LONG));
        firing = getRuntimeContext().getState(new ValueStateDescriptor<>("firing-alert", Types.STRING));
        group = getRuntimeContext().getState(new ValueStateDescriptor<>("group", Types.STRING));
    }

    @Override
    public void processElement(RuleInput in, Context ctx, Collector<Alert> out) throws Exception {
        AbsenceRule rule = rules.get(in.ruleId());
        if (rule == null) {
            return;
        }
        Long since = lastSeen.value();
        if (since != null && in.timestamp() <= since) {
            return; // an older sighting says nothing new
        }
        String alertId = firing.value();
        if (alertId != null) {
            out.collect(AlertRecords.resolved(rule, rulesVersion, alertId, rule.labels(in.groupValues()), (in.timestamp() - since) / 1000.0,
                    rule.silence().toSeconds(), rule.silence(), since + rule.silence().toMillis(), in.timestamp(), null));
            firing.clear();
        }
        Long old = deadline.value();
        if (old != null) {
            ctx.timerService().deleteEventTimeTimer(old);
        }
        long due = in.timestamp() + rule.silence().toMillis();
        ctx.timerService().registerEventTimeTimer(due);
        deadline.update(due);
        lastSeen.update(in.timestamp());
        group.update(StoredGroup.join(in.groupValues()));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        String key = ctx.getCurrentKey();
        AbsenceRule rule = rules.get(key.substring(0, key.indexOf('|')));
        Long since = lastSeen.value();
        if (rule == null || since == null) {
            clear(); // the rule was removed: nothing left to watch
            return;
        }
        List<String> values = StoredGroup.split(group.value(), rule.groupBy().size());
        Map<String, String> labels = rule.labels(values);
        if (firing.value() != null) {
            forget(rule, since, labels, timestamp, out);
            return;
        }
        String alertId = DecisionIds.of("alert", rule.id(), key, "s" + since);
        double silentSeconds = (timestamp - since) / 1000.0;
        String reason = rule.id() + ": nothing for " + (long) silentSeconds + " s";
        ControlCommand command = commands.build(rule, labels, alertId, "s" + since, reason, timestamp,
                ctx.timerService().currentProcessingTime(), null);
        if (command != null) {
            ctx.output(COMMANDS, command);
        }
        firing.update(alertId);
        if (rule.forgetAfter() != null) { // a rule without groups has one key and fires until something comes
            long forgetAt = since + rule.forgetAfter().toMillis();
            ctx.timerService().registerEventTimeTimer(forgetAt);
            deadline.update(forgetAt);
        } else {
            deadline.clear();
        }
        out.collect(AlertRecords.firing(rule, rulesVersion, alertId, labels, silentSeconds, rule.silence().toSeconds(), rule.silence(),
                since + rule.silence().toMillis(), command == null ? null : command.commandId()));
    }

    /** Silent for forget_after: a gateway that never came back is gone; its alert resolves and its state is cleared. */
    private void forget(AbsenceRule rule, long since, Map<String, String> labels, long at, Collector<Alert> out) throws Exception {
        out.collect(AlertRecords.resolved(rule, rulesVersion, firing.value(), labels, (at - since) / 1000.0, rule.silence().toSeconds(),
                rule.silence(), since + rule.silence().toMillis(), at, null)
                .explained("forgotten after " + DurationText.format(rule.forgetAfter()) + " of silence"));
        clear();
    }

    private void clear() {
        lastSeen.clear();
        deadline.clear();
        firing.clear();
        group.clear();
    }
}
