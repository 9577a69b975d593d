package dev.pilotlight.jobs.alerting;

import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.control.DecisionIds;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.rules.SequenceRule;
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
 * Decides episodes of a sequence rule: the first match fires (with the rule's action), further
 * matches keep the alert firing, and it resolves once event time has passed {@code keep_firing_for}
 * after the last match (event time, so a replay or a test resolves as the stream says, not the clock).
 */
public final class SequenceEpisodes extends KeyedProcessFunction<String, SequenceMatch, Alert> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<ControlCommand> COMMANDS = new OutputTag<>("sequence-commands") {};

    private final Map<String, SequenceRule> rules;
    private final ActionCommands commands;
    private final String rulesVersion;

    private transient ValueState<String> alertId;
    private transient ValueState<Long> startsAt;
    private transient ValueState<Long> resolveAt;
    private transient ValueState<String> commandId;
    private transient ValueState<String> group;
    /** When the last command's effect ends and when it was issued: an open episode renews it at half its life. */
    private transient ValueState<long[]> commandTimes;
    private transient ValueState<Integer> renewals;

    public SequenceEpisodes(List<SequenceRule> rules, ActionCommands commands, String rulesVersion) {
        this.rulesVersion = rulesVersion;
        this.rules = rules.stream().collect(Collectors.toUnmodifiableMap(SequenceRule::id, Function.identity()));
        this.commands = commands;
    }

    @Override
    public void open(OpenContext ctx) {
        alertId = getRuntimeContext().getState(new ValueStateDescriptor<>("alert-id", Types.STRING));
        startsAt = getRuntimeContext().getState(new ValueStateDescriptor<>("starts-at", Types.LONG));
        resolveAt = getRuntimeContext().getState(new ValueStateDescriptor<>("resolve-at", Types.LONG));
        commandId = getRuntimeContext().getState(new ValueStateDescriptor<>("command-id", Types.STRING));
        group = getRuntimeContext().getState(new ValueStateDescriptor<>("group", Types.STRING));
        commandTimes = getRuntimeContext().getState(new ValueStateDescriptor<>("command-times",
                org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        renewals = getRuntimeContext().getState(new ValueStateDescriptor<>("renewals", Types.INT));
    }

    @Override
    public void processElement(SequenceMatch m, Context ctx, Collector<Alert> out) throws Exception {
        SequenceRule rule = rules.get(m.ruleId());
        if (rule == null) {
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        Long oldDue = resolveAt.value();
        long due = m.eventTime() + rule.keepFiringFor().toMillis();
        if (oldDue == null || due > oldDue) {
            if (oldDue != null) {
                ctx.timerService().deleteEventTimeTimer(oldDue);
            }
            ctx.timerService().registerEventTimeTimer(due);
            resolveAt.update(due);
        }
        Map<String, String> labels = rule.labels(m.groupValues());
        String reason = rule.id() + ": " + m.events() + " matching events within " + dev.pilotlight.common.DurationText.format(rule.within());
        if (alertId.value() != null) {
            keepDecision(rule, m, labels, reason, now, ctx); // the same episode: its decision stands
            return;
        }
        String episode = "m" + m.eventTime();
        String id = DecisionIds.of("alert", rule.id(), m.key(), episode);
        alertId.update(id);
        group.update(StoredGroup.join(m.groupValues()));
        startsAt.update(m.eventTime());
        commandId.clear();
        renewals.clear();
        issue(rule, m, labels, id, episode, reason, now, ctx);
        out.collect(AlertRecords.firing(rule, rulesVersion, id, labels, m.events(), threshold(rule), rule.within(), m.eventTime(),
                commandId.value()));
    }

    /** A command not issued when the episode began (the guard was behind) is issued now; one about to end is renewed. */
    private void keepDecision(SequenceRule rule, SequenceMatch m, Map<String, String> labels, String reason, long now, Context ctx)
            throws Exception {
        long[] times = commandTimes.value();
        if (rule.action() == null || !ActionCommands.due(commandId.value(), times == null ? KeyStatus.NONE : times[0],
                times == null ? KeyStatus.NONE : times[1], now)) {
            return;
        }
        boolean renewal = commandId.value() != null;
        int n = renewals.value() == null ? 0 : renewals.value();
        String episode = "m" + startsAt.value() + (renewal ? "-r" + (n + 1) : "");
        if (issue(rule, m, labels, alertId.value(), episode, reason, now, ctx) && renewal) {
            renewals.update(n + 1);
        }
    }

    private boolean issue(SequenceRule rule, SequenceMatch m, Map<String, String> labels, String id, String episode, String reason,
                          long now, Context ctx) throws Exception {
        ControlCommand command = commands.build(rule, labels, id, episode, reason, m.eventTime(), now, null);
        if (command == null) {
            return false;
        }
        ctx.output(COMMANDS, command);
        commandId.update(command.commandId());
        commandTimes.update(new long[] {ActionCommands.effectEnds(command), now});
        return true;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        String id = alertId.value();
        String key = ctx.getCurrentKey();
        SequenceRule rule = rules.get(key.substring(0, key.indexOf('|')));
        if (id != null && rule != null) {
            List<String> values = StoredGroup.split(group.value(), rule.groupBy().size());
            out.collect(AlertRecords.resolved(rule, rulesVersion, id, rule.labels(values), 0, threshold(rule), rule.within(),
                    startsAt.value(), timestamp, commandId.value()));
        }
        alertId.clear();
        startsAt.clear();
        resolveAt.clear();
        commandId.clear();
        group.clear();
        commandTimes.clear();
        renewals.clear();
    }

    private static double threshold(SequenceRule rule) {
        return rule.kind() == SequenceRule.Kind.COUNT ? rule.times() : 1;
    }
}
