package dev.pilotlight.jobs.alerting;

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
 * Decides that a group which was seen has gone silent (an absence rule): no event for the rule's
 * {@code for} of wall-clock time fires; the next event resolves. Processing time, because when
 * every gateway is down no event arrives to move event time.
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
        long now = ctx.timerService().currentProcessingTime();
        String alertId = firing.value();
        if (alertId != null) {
            long since = lastSeen.value();
            out.collect(AlertRecords.resolved(rule, rulesVersion, alertId, rule.labels(in.groupValues()), (now - since) / 1000.0,
                    rule.silence().toSeconds(), rule.silence(), since + rule.silence().toMillis(), now, null));
            firing.clear();
        }
        Long old = deadline.value();
        if (old != null) {
            ctx.timerService().deleteProcessingTimeTimer(old);
        }
        long due = now + rule.silence().toMillis();
        ctx.timerService().registerProcessingTimeTimer(due);
        deadline.update(due);
        lastSeen.update(now);
        group.update(StoredGroup.join(in.groupValues()));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        String key = ctx.getCurrentKey();
        AbsenceRule rule = rules.get(key.substring(0, key.indexOf('|')));
        Long since = lastSeen.value();
        if (rule == null || since == null || firing.value() != null) {
            return;
        }
        List<String> values = StoredGroup.split(group.value(), rule.groupBy().size());
        Map<String, String> labels = rule.labels(values);
        String alertId = DecisionIds.of("alert", rule.id(), key, "s" + since);
        double silentSeconds = (timestamp - since) / 1000.0;
        String reason = rule.id() + ": nothing for " + (long) silentSeconds + " s";
        ControlCommand command = commands.build(rule, labels, alertId, "s" + since, reason, timestamp, timestamp, null);
        if (command != null) {
            ctx.output(COMMANDS, command);
        }
        firing.update(alertId);
        deadline.clear();
        out.collect(AlertRecords.firing(rule, rulesVersion, alertId, labels, silentSeconds, rule.silence().toSeconds(), rule.silence(),
                since + rule.silence().toMillis(), command == null ? null : command.commandId()));
    }
}
