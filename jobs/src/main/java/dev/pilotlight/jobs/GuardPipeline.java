package dev.pilotlight.jobs;

import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.MetricSample;
import dev.pilotlight.common.rules.RuleSet;
import dev.pilotlight.common.rules.SequenceRule;
import dev.pilotlight.jobs.alerting.ActionCommands;
import dev.pilotlight.jobs.alerting.ActiveRules;
import dev.pilotlight.jobs.alerting.GuardBroadcast;
import dev.pilotlight.jobs.alerting.MatchThresholdRules;
import dev.pilotlight.jobs.alerting.EmitSequenceMatch;
import dev.pilotlight.jobs.alerting.MatchRules;
import dev.pilotlight.jobs.alerting.RuleInput;
import dev.pilotlight.jobs.alerting.SequenceEpisodes;
import dev.pilotlight.jobs.alerting.SequenceMatch;
import dev.pilotlight.jobs.alerting.SequencePatterns;
import dev.pilotlight.jobs.alerting.SignCommands;
import dev.pilotlight.jobs.alerting.SilenceDetector;
import dev.pilotlight.jobs.alerting.ThresholdRuleEvaluator;
import dev.pilotlight.jobs.feedback.KeepLastRating;
import dev.pilotlight.jobs.feedback.RaterInput;
import dev.pilotlight.jobs.feedback.ScreenRaters;
import dev.pilotlight.jobs.feedback.StampWithEventTime;
import dev.pilotlight.jobs.ingest.Envelope;
import dev.pilotlight.jobs.ingest.SplitByRecordType;
import dev.pilotlight.jobs.ingest.GuardWatermarks;
import dev.pilotlight.jobs.metrics.AssignSeries;
import dev.pilotlight.jobs.metrics.EmitMetricSample;
import dev.pilotlight.jobs.metrics.LateEventToDeadLetter;
import dev.pilotlight.jobs.metrics.SeriesAggregate;
import dev.pilotlight.jobs.metrics.SeriesBatcher;
import dev.pilotlight.jobs.metrics.SeriesPartial;
import dev.pilotlight.jobs.alerting.RuleInputBatcher;
import dev.pilotlight.jobs.alerting.ReleaseTotals;
import dev.pilotlight.jobs.batch.MiniBatchOperator;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import dev.pilotlight.jobs.sink.GuardSinks;
import dev.pilotlight.common.event.DriftScore;
import dev.pilotlight.jobs.drift.CompareWithReference;
import dev.pilotlight.jobs.drift.CountDriftFeatures;
import dev.pilotlight.jobs.drift.DriftBatcher;
import dev.pilotlight.jobs.drift.DriftPartial;
import dev.pilotlight.jobs.drift.DriftSamples;
import dev.pilotlight.jobs.drift.DriftSettings;
import dev.pilotlight.jobs.drift.EmitReleaseWindow;
import dev.pilotlight.jobs.drift.ReleaseWindow;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.experiment.ExperimentState;
import dev.pilotlight.jobs.experiments.ArmObservation;
import dev.pilotlight.jobs.experiments.AttributeFeedback;
import dev.pilotlight.jobs.experiments.ExperimentCommands;
import dev.pilotlight.jobs.experiments.ExperimentInput;
import dev.pilotlight.jobs.experiments.ExperimentSettings;
import dev.pilotlight.jobs.experiments.JudgeExperiment;
import dev.pilotlight.jobs.cost.CheckCostEvent;
import dev.pilotlight.jobs.cost.CostCommands;
import dev.pilotlight.jobs.cost.CostEntry;
import dev.pilotlight.jobs.cost.CostSettings;
import dev.pilotlight.jobs.cost.DetectRunawayLoop;
import dev.pilotlight.jobs.cost.DetectSpendAnomaly;
import dev.pilotlight.jobs.cost.DetectTokenExplosion;
import dev.pilotlight.jobs.cost.RankSpenders;
import dev.pilotlight.jobs.cost.TrackSpend;
import dev.pilotlight.jobs.cost.UserSpend;
import dev.pilotlight.common.usage.Scorecard;
import dev.pilotlight.jobs.usage.CountActiveUsers;
import dev.pilotlight.jobs.usage.FollowUser;
import dev.pilotlight.jobs.usage.ForRouteAndTenant;
import dev.pilotlight.jobs.usage.TallyRoute;
import dev.pilotlight.jobs.usage.UsageControl;
import dev.pilotlight.jobs.usage.UsageInput;
import dev.pilotlight.jobs.usage.UsageBatcher;
import dev.pilotlight.jobs.usage.UsageSettings;
import dev.pilotlight.jobs.usage.UserCall;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.cep.CEP;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

/**
 * The guard application's graph. It takes its source and sinks as arguments (as in
 * flink-training), so tests run the very same graph on a MiniCluster with test sources.
 */
public final class GuardPipeline {
    private GuardPipeline() {}

    /**
     * @param events  llm.* and the gateways' rejected commands
     * @param control the compacted control topics (release states, rule sets): the broadcast state's only input
     */
    public static void build(StreamExecutionEnvironment env, Source<Envelope, ?, ?> events, Source<Envelope, ?, ?> control,
                             GuardSinks sinks, GuardSettings settings) {
        DataStream<Envelope> records = lastRatingsOnly(env.fromSource(events, GuardWatermarks.events(settings.outOfOrderness(), settings.idleness(),
                        settings.backlogIdleness()), "guard-inputs").uid("guard-inputs"),
                settings.feedbackHorizon());
        DataStream<Envelope> controlRecords = env.fromSource(control, GuardWatermarks.control(), "guard-control-inputs")
                .uid("guard-control-inputs");

        DataStream<dev.pilotlight.common.event.DeadLetter> deadLetters = records
                .process(new SplitByRecordType()).name("split-by-record-type").uid("split-by-record-type")
                .getSideOutput(SplitByRecordType.DEAD_LETTERS);
        SingleOutputStreamOperator<InvocationEvent> controlSplit = controlRecords
                .process(new SplitByRecordType()).name("split-control-records").uid("split-control-records");
        DataStream<GuardBroadcast> broadcasts = controlSplit.getSideOutput(SplitByRecordType.RELEASES).map(GuardBroadcast::of)
                .name("release-changes").uid("release-changes")
                .union(controlSplit.getSideOutput(SplitByRecordType.RULES).map(GuardBroadcast::of).name("published-rule-sets").uid("published-rule-sets"));
        deadLetters = deadLetters.union(controlSplit.getSideOutput(SplitByRecordType.DEAD_LETTERS));
        DataStream<GuardBroadcast> driftBroadcasts = broadcasts.union(controlSplit.getSideOutput(SplitByRecordType.BASELINES)
                .map(GuardBroadcast::of).name("drift-baselines").uid("drift-baselines"));

        if (settings.modules().contains(GuardModule.METRICS)) {
            deadLetters = deadLetters.union(metrics(records, sinks, settings));
        }
        DataStream<Envelope> ruleInputs = records;
        if (settings.modules().contains(GuardModule.DRIFT)) {
            ruleInputs = records.union(drift(records, driftBroadcasts, sinks, settings.drift(), settings.miniBatch()).map(Envelope::of)
                    .name("drift-scores-to-rules").uid("drift-scores-to-rules"));
        }
        DataStream<Alert> ruleAlerts = null;
        if (settings.modules().contains(GuardModule.ALERTS)) {
            RuleOutputs rules = alerts(ruleInputs, broadcasts, sinks, settings);
            deadLetters = deadLetters.union(rules.deadLetters());
            ruleAlerts = rules.alerts();
        }
        DataStream<Envelope> rated = records; // what the usage figures and the experiment verdicts count
        if (settings.modules().contains(GuardModule.EXPERIMENTS) || settings.modules().contains(GuardModule.USAGE)) {
            // ratings pass through the screen; calls reach it only as (user, time) and go on to the modules directly
            SingleOutputStreamOperator<Envelope> screened = records.filter(ScreenRaters::relevant).name("rater-inputs").uid("rater-inputs")
                    .map(RaterInput::of).name("rater-events").uid("rater-events")
                    .keyBy(RaterInput::user)
                    .process(new ScreenRaters(settings.usage())).name("screen-raters").uid("screen-raters");
            screened.getSideOutput(ScreenRaters.ALERTS).sinkTo(sinks.alerts()).name("rater-alerts").uid("rater-alerts-sink");
            deadLetters = deadLetters.union(screened.getSideOutput(ScreenRaters.EXCLUDED));
            rated = screened.union(records.filter(e -> e.feedback() == null || !ScreenRaters.relevant(e)).name("not-screened")
                    .uid("not-screened"));
        }
        if (settings.modules().contains(GuardModule.EXPERIMENTS)) {
            deadLetters = deadLetters.union(experiments(rated, controlSplit.getSideOutput(SplitByRecordType.RELEASES), sinks, settings));
        }
        if (settings.modules().contains(GuardModule.COST)) {
            deadLetters = deadLetters.union(cost(records, broadcasts, sinks, settings));
        }
        if (settings.modules().contains(GuardModule.USAGE)) {
            usage(rated, broadcasts, ruleAlerts, sinks, settings);
        }
        deadLetters.sinkTo(sinks.deadLetters()).name("dead-letters").uid("dead-letters-sink");
    }

    /**
     * Feedback through {@link KeepLastRating} (keyed by invocation and user: the last rating counts,
     * replaced ones are retracted), everything else as it came.
     */
    private static DataStream<Envelope> lastRatingsOnly(DataStream<Envelope> records, java.time.Duration horizon) {
        DataStream<Envelope> feedback = records.filter(e -> e.feedback() != null).name("feedback").uid("feedback")
                .keyBy(KeepLastRating::keyOf)
                .process(new KeepLastRating(horizon)).name("keep-last-rating").uid("keep-last-rating")
                .transform("stamp-with-event-time", TypeInformation.of(Envelope.class), new StampWithEventTime())
                .uid("stamp-with-event-time");
        return records.filter(e -> e.feedback() == null).name("not-feedback").uid("not-feedback").union(feedback);
    }

    /** guard.metrics: tumbling event-time windows per series; too-late events go to the dead letters. */
    private static DataStream<dev.pilotlight.common.event.DeadLetter> metrics(DataStream<Envelope> records, GuardSinks sinks, GuardSettings settings) {
        SingleOutputStreamOperator<SeriesPartial> partials = MiniBatchOperator.apply(
                records.flatMap(new AssignSeries()).name("assign-series").uid("assign-series"),
                "batch-series", TypeInformation.of(SeriesPartial.class),
                new SeriesBatcher(settings.metricsWindow(), settings.allowedLateness(), settings.miniBatch()));
        partials.uid("batch-series"); // with --mini-batch 0 each event is its own partial
        SingleOutputStreamOperator<MetricSample> samples = partials
                .keyBy(SeriesPartial::seriesKey)
                .window(TumblingEventTimeWindows.of(settings.metricsWindow()))
                .allowedLateness(settings.allowedLateness())
                .aggregate(new SeriesAggregate(), new EmitMetricSample()).name("series-windows").uid("series-windows");
        samples.sinkTo(sinks.metrics()).name("metrics").uid("metrics-sink");
        return partials.getSideOutput(SeriesBatcher.LATE).flatMap(new LateEventToDeadLetter(settings.allowedLateness()))
                .name("late-events").uid("late-events");
    }

    /**
     * Drift: each release's events counted per tumbling event-time window, then compared by route with
     * the references the route has; scores to guard.metrics (and back to the caller, for the rules),
     * snapshots of both sides to guard.drift. Events later than their window are not counted (Flink's
     * numLateRecordsDropped): a re-emitted window would score twice.
     */
    private static DataStream<DriftScore> drift(DataStream<Envelope> records, DataStream<GuardBroadcast> broadcasts, GuardSinks sinks,
                                                DriftSettings d, java.time.Duration miniBatch) {
        SingleOutputStreamOperator<DriftPartial> partials = MiniBatchOperator.apply(
                records.filter(e -> CountDriftFeatures.keyOf(e) != null).name("drift-attributable").uid("drift-attributable"),
                "batch-drift", TypeInformation.of(DriftPartial.class), new DriftBatcher(d.window(), d.maxCategories(), miniBatch));
        partials.uid("batch-drift");
        SingleOutputStreamOperator<DriftScore> scores = partials
                .keyBy(DriftPartial::key)
                .window(TumblingEventTimeWindows.of(d.window()))
                .aggregate(new CountDriftFeatures(d.maxCategories()), new EmitReleaseWindow()).name("drift-windows").uid("drift-windows")
                .keyBy(ReleaseWindow::route)
                .connect(broadcasts.broadcast(CompareWithReference.HISTORY, CompareWithReference.BASELINES))
                .process(new CompareWithReference(d)).name("drift-compare").uid("drift-compare");
        scores.getSideOutput(CompareWithReference.SNAPSHOTS).sinkTo(sinks.driftSnapshots()).name("drift-snapshots").uid("drift-snapshots-sink");
        scores.map(DriftSamples::of).name("drift-samples").uid("drift-samples")
                .sinkTo(sinks.metrics()).name("drift-metrics").uid("drift-metrics-sink");
        return scores;
    }

    /**
     * Release experiments: ratings attributed to the arm of the call they rate (keyed by invocation),
     * then each prompt's experiment judged with its release changes (keyed by promptId). States to
     * guard.experiments; decisions as signed commands and tier-2 alerts; returns the ratings that could
     * not be attributed and commands not issued.
     */
    private static DataStream<dev.pilotlight.common.event.DeadLetter> experiments(DataStream<Envelope> records,
            DataStream<ReleaseState> releases, GuardSinks sinks, GuardSettings settings) {
        ExperimentSettings x = settings.experiments();
        SingleOutputStreamOperator<ArmObservation> observations = records
                .filter(AttributeFeedback::relevant).name("experiment-inputs").uid("experiment-inputs")
                .keyBy(AttributeFeedback::keyOf)
                .connect(releases.broadcast(AttributeFeedback.ROUTES))
                .process(new AttributeFeedback(x)).name("attribute-to-arms").uid("attribute-to-arms");
        SingleOutputStreamOperator<ExperimentState> states = observations.map(ExperimentInput::of).name("arm-observations").uid("arm-observations")
                .union(releases.map(ExperimentInput::of).name("experiment-releases").uid("experiment-releases"))
                .keyBy(ExperimentInput::promptId)
                .process(new JudgeExperiment(x, new ExperimentCommands(settings.commandTtl()), settings.maxDecisionLag()))
                .name("judge-experiments").uid("judge-experiments");
        CommandSigner signer = settings.signer();
        states.map(signer::sign).returns(ExperimentState.class).name("sign-experiment-states").uid("sign-experiment-states")
                .sinkTo(sinks.experiments()).name("experiments").uid("experiments-sink");
        states.getSideOutput(JudgeExperiment.ALERTS).sinkTo(sinks.alerts()).name("experiment-alerts").uid("experiment-alerts-sink");
        SingleOutputStreamOperator<ControlCommand> signed = states.getSideOutput(JudgeExperiment.COMMANDS)
                .process(new SignCommands(settings.signer())).name("sign-experiment-commands").uid("sign-experiment-commands");
        signed.sinkTo(sinks.commands()).name("experiment-commands").uid("experiment-commands-sink");
        return observations.getSideOutput(AttributeFeedback.UNATTRIBUTED).union(signed.getSideOutput(SignCommands.INVALID));
    }

    /**
     * Cost: each call checked (bad cost → dead letters), split into its user's, tenant's, route's and model's
     * accounts (keyed) where quotas and forecasts are decided with the rule set in force; hourly anomalies
     * against each account's own hours of the week; runaway loops keyed by user; tokens per call by release.
     * Alerts to guard.alerts, commands signed to guard.control; returns refused events and commands not issued.
     */
    private static DataStream<dev.pilotlight.common.event.DeadLetter> cost(DataStream<Envelope> records, DataStream<GuardBroadcast> broadcasts,
                                                                           GuardSinks sinks, GuardSettings settings) {
        CostSettings c = settings.cost();
        CostCommands decisions = new CostCommands(settings.maxDecisionLag());
        SingleOutputStreamOperator<CostEntry> entries = records.filter(CheckCostEvent::relevant).name("cost-inputs").uid("cost-inputs")
                .process(new CheckCostEvent(c)).name("check-cost-events").uid("check-cost-events");
        SingleOutputStreamOperator<Alert> quotas = entries.keyBy(CostEntry::account)
                .connect(broadcasts.filter(b -> b.rules() != null).name("quota-sets").uid("quota-sets").broadcast(ActiveRules.RULES))
                .process(new TrackSpend(c, new ActiveRules(settings.rules(), settings.rulesChangedAt()), decisions))
                .name("track-spend").uid("track-spend");
        SingleOutputStreamOperator<Alert> loops = records.filter(DetectRunawayLoop::relevant).name("loop-inputs").uid("loop-inputs")
                .map(Envelope::invocation).name("loop-calls").uid("loop-calls")
                .keyBy(InvocationEvent::userId)
                .process(new DetectRunawayLoop(c, decisions)).name("detect-runaway-loops").uid("detect-runaway-loops");
        SingleOutputStreamOperator<Alert> anomalies = entries.filter(e -> DetectSpendAnomaly.watched(e, c)).name("anomaly-accounts")
                .uid("anomaly-accounts").keyBy(CostEntry::account)
                .process(new DetectSpendAnomaly(c)).name("detect-spend-anomalies").uid("detect-spend-anomalies");
        SingleOutputStreamOperator<Alert> tokens = records.filter(DetectTokenExplosion::answered).name("token-calls").uid("token-calls")
                .map(Envelope::invocation).name("token-invocations").uid("token-invocations")
                .keyBy(DetectTokenExplosion::keyOf)
                .process(new DetectTokenExplosion(c)).name("detect-token-explosions").uid("detect-token-explosions");
        quotas.union(loops, anomalies, tokens).sinkTo(sinks.alerts()).name("cost-alerts").uid("cost-alerts-sink");
        quotas.getSideOutput(TrackSpend.SPENDERS).keyBy(UserSpend::rankingKey)
                .process(new RankSpenders(c)).name("rank-spenders").uid("rank-spenders")
                .sinkTo(sinks.metrics()).name("spender-metrics").uid("spender-metrics-sink");
        SingleOutputStreamOperator<ControlCommand> signed = quotas.getSideOutput(TrackSpend.COMMANDS)
                .union(loops.getSideOutput(DetectRunawayLoop.COMMANDS))
                .process(new SignCommands(settings.signer())).name("sign-cost-commands").uid("sign-cost-commands");
        signed.sinkTo(sinks.commands()).name("cost-commands").uid("cost-commands-sink");
        return entries.getSideOutput(CheckCostEvent.REFUSED).union(signed.getSideOutput(SignCommands.INVALID));
    }

    /**
     * Usage: each call and attributed rating counted; each user's milestones decided keyed by user; users active on any
     * route counted keyed by tenant; each route's figures, funnel and go/no-go scorecard keyed by route, and each route's
     * tenant's keyed by route|tenant, with the rule set in force (rosters), the rules' critical security alerts and the
     * active-user counts broadcast. Scorecards to guard.scorecards, figures to guard.metrics, interventions to guard.alerts.
     */
    private static void usage(DataStream<Envelope> records, DataStream<GuardBroadcast> broadcasts, DataStream<Alert> ruleAlerts,
                              GuardSinks sinks, GuardSettings settings) {
        UsageSettings u = settings.usage();
        TallyRoute tally = new TallyRoute(u, new ActiveRules(settings.rules(), settings.rulesChangedAt()));
        DataStream<UsageInput> inputs = records.filter(UsageInput::counted).name("usage-inputs").uid("usage-inputs")
                .map(UsageInput::of).name("usage-calls-and-ratings").uid("usage-calls-and-ratings");
        SingleOutputStreamOperator<UsageInput> marks = records.filter(e -> FollowUser.counts(e.invocation())).name("usage-calls").uid("usage-calls")
                .map(e -> UserCall.of(e.invocation())).name("usage-invocations").uid("usage-invocations")
                .keyBy(UserCall::user)
                .process(new FollowUser(u)).name("follow-users").uid("follow-users");
        DataStream<UsageControl> control = broadcasts.filter(b -> b.rules() != null).name("usage-rule-sets").uid("usage-rule-sets")
                .map(b -> UsageControl.of(b.rules())).name("usage-rosters").uid("usage-rosters")
                .union(marks.getSideOutput(FollowUser.ANYWHERE).keyBy(CountActiveUsers::tenantOf)
                        .process(new CountActiveUsers(u)).name("count-active-users").uid("count-active-users")
                        .map(UsageControl::of).name("usage-active-users").uid("usage-active-users"));
        if (ruleAlerts != null) {
            control = control.union(ruleAlerts.filter(tally::critical).name("security-alerts").uid("security-alerts")
                    .map(UsageControl::of).name("usage-security-alerts").uid("usage-security-alerts"));
        }
        // calls and active-day marks merged per route, tenant and day on the heap first: the tally's state is touched
        // once per merged input
        SingleOutputStreamOperator<UsageInput> batched = MiniBatchOperator.apply(inputs.union(marks), "batch-usage-inputs",
                TypeInformation.of(UsageInput.class), new UsageBatcher(u, settings.miniBatch()));
        batched.uid("batch-usage-calls");
        // each tally judges when the watermark passes its tick; the active-user counts reach it first (same ticks,
        // emitted before the counter forwards the watermark, which the tally's broadcast side waits for)
        SingleOutputStreamOperator<Scorecard> cards = batched.flatMap(new ForRouteAndTenant()).name("usage-route-and-tenant")
                .uid("usage-route-and-tenant").keyBy(UsageInput::scope)
                .connect(control.broadcast(ActiveRules.RULES, TallyRoute.SECURITY, TallyRoute.ACTIVE_USERS))
                .process(tally).name("tally-routes").uid("tally-routes");
        CommandSigner signer = settings.signer();
        cards.map(signer::sign).returns(Scorecard.class).name("sign-scorecards").uid("sign-scorecards")
                .sinkTo(sinks.scorecards()).name("scorecards").uid("scorecards-sink");
        cards.getSideOutput(TallyRoute.ALERTS).sinkTo(sinks.alerts()).name("usage-alerts").uid("usage-alerts-sink");
        cards.getSideOutput(TallyRoute.SAMPLES).sinkTo(sinks.metrics()).name("usage-metrics").uid("usage-metrics-sink");
    }

    /** What the rules produce for others: their alerts (the usage module reads the security ones) and commands not issued. */
    private record RuleOutputs(DataStream<Alert> alerts, DataStream<dev.pilotlight.common.event.DeadLetter> deadLetters) {}

    /** Every rule of the rule set: thresholds (incl. rollback triggers), absences and CEP sequences. */
    private static RuleOutputs alerts(DataStream<Envelope> records, DataStream<GuardBroadcast> broadcasts, GuardSinks sinks, GuardSettings settings) {
        RuleSet rules = settings.rules();
        ActionCommands actions = new ActionCommands(settings.commandTtl(), settings.maxDecisionLag());
        List<DataStream<Alert>> alerts = new ArrayList<>();
        List<DataStream<ControlCommand>> commands = new ArrayList<>();

        // always present, even with no threshold rule at start: a published rule set may add some
        {
            ActiveRules active = new ActiveRules(rules, settings.rulesChangedAt());
            BroadcastStream<GuardBroadcast> shared = broadcasts.broadcast(ThresholdRuleEvaluator.RELEASES, ActiveRules.RULES);
            SingleOutputStreamOperator<RuleInput> matched = records
                    .connect(shared)
                    .process(new MatchThresholdRules(active)).name("match-threshold-rules").uid("match-threshold-rules");
            DataStream<RuleInput> inputs = settings.miniBatch().isZero() ? matched
                    : MiniBatchOperator.apply(matched, "batch-rule-inputs", TypeInformation.of(RuleInput.class),
                            new RuleInputBatcher(settings.miniBatch())).uid("batch-rule-inputs");
            // per-release totals for previous_release baselines, broadcast to the evaluator only (the matcher
            // does not need them, and feeding them back to it would make a cycle)
            DataStream<GuardBroadcast> totals = inputs.filter(RuleInput::releaseTotals).name("release-total-inputs").uid("release-total-inputs")
                    .keyBy(RuleInput::key).process(new ReleaseTotals()).name("release-totals").uid("release-totals")
                    .map(GuardBroadcast::of).name("release-totals-broadcast").uid("release-totals-broadcast");
            BroadcastStream<GuardBroadcast> evaluatorShared = broadcasts.union(totals)
                    .broadcast(ThresholdRuleEvaluator.RELEASES, ActiveRules.RULES, ThresholdRuleEvaluator.TOTALS);
            SingleOutputStreamOperator<Alert> a = inputs
                    .keyBy(RuleInput::key)
                    .connect(evaluatorShared)
                    .process(new ThresholdRuleEvaluator(active, actions))
                    .name("threshold-rules").uid("threshold-rules");
            alerts.add(a);
            commands.add(a.getSideOutput(ThresholdRuleEvaluator.COMMANDS));
        }
        { // always present, even without absence rules, so a savepoint restores whatever the rule files say
            SingleOutputStreamOperator<Alert> a = records
                    .process(new MatchRules(rules.absences())).name("match-absence-rules").uid("match-absence-rules")
                    .keyBy(RuleInput::key)
                    .process(new SilenceDetector(rules.absences(), actions, rules.version()))
                    .name("absence-rules").uid("absence-rules");
            alerts.add(a);
            commands.add(a.getSideOutput(SilenceDetector.COMMANDS));
        }
        if (!rules.sequences().isEmpty()) {
            List<DataStream<SequenceMatch>> matches = new ArrayList<>();
            for (SequenceRule rule : rules.sequences()) {
                // the uid names the pattern, so a changed pattern is a new operator (old partial matches are not
                // restored into it); removing a rule needs --allowNonRestoredState (docs/operations.md)
                String uid = "sequence-" + rule.id() + "-" + SequencePatterns.fingerprint(rule);
                DataStream<Envelope> relevant = records.filter(SequencePatterns.relevant(rule))
                        .map(Envelope::withoutTexts).name("sequence-" + rule.id() + "-events").uid(uid + "-events");
                // event time: partial matches expire with `within` as the watermark passes, quiet keys included
                matches.add(CEP.pattern(relevant.keyBy(e -> String.join("|", rule.groupValues(e.record(rule.stream())))),
                                SequencePatterns.compile(rule))
                        .process(new EmitSequenceMatch(rule)).name("sequence-" + rule.id()).uid(uid));
            }
            SingleOutputStreamOperator<Alert> a = union(matches)
                    .keyBy(SequenceMatch::key)
                    .process(new SequenceEpisodes(rules.sequences(), actions, rules.version()))
                    .name("sequence-episodes").uid("sequence-episodes");
            alerts.add(a);
            commands.add(a.getSideOutput(SequenceEpisodes.COMMANDS));
        }
        DataStream<Alert> raised = union(alerts);
        raised.sinkTo(sinks.alerts()).name("alerts").uid("alerts-sink");
        SingleOutputStreamOperator<ControlCommand> signed = union(commands).process(new SignCommands(settings.signer()))
                .name("sign-commands").uid("sign-commands");
        signed.sinkTo(sinks.commands()).name("commands").uid("commands-sink");
        return new RuleOutputs(raised, signed.getSideOutput(SignCommands.INVALID));
    }

    @SafeVarargs
    private static <T> DataStream<T> union(List<DataStream<T>> streams, DataStream<T>... none) {
        DataStream<T> first = streams.get(0);
        return streams.size() == 1 ? first : first.union(streams.subList(1, streams.size()).toArray(none));
    }
}
