package dev.pilotlight.jobs;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The modules of the guard application that can be selected at submission ({@code --modules}). */
public enum GuardModule {
    /** Windowed metrics per release and tenant, to guard.metrics. */
    METRICS,
    /** Every rule of alert-rules/ (thresholds incl. rollback triggers, absences, sequences), to guard.alerts and guard.control. */
    ALERTS,
    /** Input, output and performance drift of every prompt release, to guard.metrics, guard.drift and the rules' drift stream. */
    DRIFT,
    /** Release experiments: A/B verdicts and canary ramps, to guard.experiments, guard.alerts and guard.control (docs/experiments.md). */
    EXPERIMENTS,
    /** Spend per user, tenant, route and model; quotas and runaway loops, to guard.alerts and guard.control (docs/cost.md). */
    COST,
    /** Usage, quality, value and adoption per route; the go/no-go scorecard, to guard.scorecards, guard.metrics and guard.alerts (docs/usage.md). */
    USAGE;

    /** Parses "metrics,alerts,drift" or "all". */
    public static Set<GuardModule> parse(String list) {
        if (list == null || list.isBlank() || list.trim().equalsIgnoreCase("all")) {
            return EnumSet.allOf(GuardModule.class);
        }
        EnumSet<GuardModule> out = EnumSet.noneOf(GuardModule.class);
        for (String s : list.split(",")) {
            try {
                out.add(valueOf(s.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown module '" + s.trim() + "' (known: "
                        + EnumSet.allOf(GuardModule.class).toString().toLowerCase(Locale.ROOT) + ", or all)");
            }
        }
        return out;
    }
}
