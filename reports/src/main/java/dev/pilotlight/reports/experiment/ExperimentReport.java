package dev.pilotlight.reports.experiment;

import dev.pilotlight.common.experiment.ArmSummary;
import dev.pilotlight.common.experiment.ExperimentState;
import dev.pilotlight.common.experiment.RampStep;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A route's experiments as Markdown (docs/experiments.md, "Report"): per experiment the arms side by side
 * with 95% intervals, the effect with its interval, the p-values, the decision with its reason, the ramp's
 * steps, and the history of its status and split as published.
 */
public final class ExperimentReport {
    private ExperimentReport() {}

    public static String markdown(String route, List<ExperimentState> states) {
        Map<String, List<ExperimentState>> byExperiment = new LinkedHashMap<>();
        states.forEach(s -> byExperiment.computeIfAbsent(s.experimentId(), k -> new ArrayList<>()).add(s));
        StringBuilder md = new StringBuilder("# Experiments on route " + route + "\n\n");
        if (byExperiment.isEmpty()) {
            return md.append("No experiment of this route in the period.\n").toString();
        }
        byExperiment.values().forEach(history -> experiment(md, history));
        return md.toString();
    }

    private static void experiment(StringBuilder md, List<ExperimentState> history) {
        ExperimentState s = history.get(history.size() - 1);
        md.append("## ").append(s.candidateVersion()).append(" against ").append(s.productionVersion()).append(" (").append(s.mode())
                .append(")\n\n");
        md.append("Experiment `").append(s.experimentId()).append("`, started ").append(time(s.startedAt())).append(" at release revision ")
                .append(s.startRevision()).append("; last published ").append(time(s.updatedAt())).append(".\n\n");
        md.append("**Status ").append(s.status()).append(s.decision() == null ? "" : ", decision " + s.decision()).append("**: ")
                .append(s.reason()).append("\n\n");
        md.append("| arm | version | users | calls | error rate [95% CI] | ratings | acceptance [95% CI] | raters | up / down | p95 latency | cost per call |\n");
        md.append("|---|---|---:|---:|---|---:|---|---:|---:|---:|---:|\n");
        for (ArmSummary a : s.arms()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %d | %s | %d | %d / %d | %s | %s |%n", a.variant(), a.version(),
                    a.users(), a.calls(), rate(a.errorRate(), a.errorRateLow(), a.errorRateHigh()), a.samples(),
                    rate(a.acceptanceRate(), a.acceptanceLow(), a.acceptanceHigh()), a.raters(), a.thumbsUp(), a.thumbsDown(),
                    a.latencyP95Ms() == null ? "–" : String.format(Locale.ROOT, "%.0f ms", a.latencyP95Ms()),
                    a.costPerCallUsd() == null ? "–" : String.format(Locale.ROOT, "$%.6f", a.costPerCallUsd())));
        }
        md.append('\n');
        if (s.effect() != null) {
            md.append(String.format(Locale.ROOT, "- Effect on acceptance (candidate − production): **%+.1f points** [%+.1f, %+.1f] "
                    + "(95%%, Newcombe)%n", 100 * s.effect(), 100 * s.effectLow(), 100 * s.effectHigh()));
            md.append(String.format(Locale.ROOT, "- Chi-square test of independence (1 df): p = %.3g%n", s.pValue()));
        } else {
            md.append(String.format(Locale.ROOT, "- No verdict test yet: it runs once both arms have %d ratings%n", s.samplesNeeded()));
        }
        if (s.srmPValue() != null) {
            md.append(String.format(Locale.ROOT, "- Sample-ratio check on the users of the current split (%.0f%%): p = %.3g%n",
                    100 * s.split(), s.srmPValue()));
        }
        if (s.commandId() != null) {
            md.append("- Command: `").append(s.commandId()).append("`\n");
        }
        md.append('\n');
        if (s.ramp() != null) {
            ramp(md, s);
        }
        md.append("### History\n\n| published | status | split | ratings (production / candidate) | decision |\n|---|---|---:|---|---|\n");
        ExperimentState before = null;
        for (ExperimentState h : history) {
            if (before == null || before.status() != h.status() || before.split() != h.split() || !Objects.equals(before.decision(), h.decision())) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %.0f%% | %d / %d | %s |%n", time(h.updatedAt()), h.status(), 100 * h.split(),
                        h.arms().get(0).samples(), h.arms().get(1).samples(), h.decision() == null ? "" : h.decision()));
            }
            before = h;
        }
        md.append('\n');
    }

    private static void ramp(StringBuilder md, ExperimentState s) {
        md.append("### Ramp\n\n| step | share | bake | min calls | began |\n|---:|---:|---|---:|---|\n");
        List<RampStep> plan = s.ramp().plan();
        for (int i = 0; i < plan.size(); i++) {
            RampStep step = plan.get(i);
            Long began = i < s.ramp().history().size() ? s.ramp().history().get(i) : null;
            md.append(String.format(Locale.ROOT, "| %d%s | %.0f%% | %s | %d | %s |%n", i + 1, i == s.ramp().step() ? " (current)" : "",
                    100 * step.share(), dev.pilotlight.common.DurationText.format(Duration.ofMillis(step.bakeMs())), step.minCalls(),
                    began == null ? "–" : time(began)));
        }
        md.append('\n');
    }

    private static String rate(Double r, Double low, Double high) {
        return r == null ? "–" : String.format(Locale.ROOT, "%.1f%% [%.1f, %.1f]", 100 * r, 100 * low, 100 * high);
    }

    private static String time(long epochMs) {
        return Instant.ofEpochMilli(epochMs).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
