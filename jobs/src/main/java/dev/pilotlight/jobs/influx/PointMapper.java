package dev.pilotlight.jobs.influx;

import dev.pilotlight.common.experiment.ArmSummary;
import dev.pilotlight.common.experiment.ExperimentState;
import java.util.ArrayList;
import java.util.List;
import com.influxdb.client.domain.WritePrecision;
import com.influxdb.client.write.Point;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.MetricSample;
import dev.pilotlight.common.event.ReleaseState;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the guard's output records into InfluxDB points (schema: {@link Measurements}). A record
 * written twice becomes the same point (same measurement, tags and time), so replays after a
 * failure overwrite instead of duplicating, and a late metric revision replaces the earlier one.
 */
final class PointMapper {
    private static final String USER_LABEL = "userId";

    private final TopUsers topUsers;

    PointMapper(int topUsers) {
        this.topUsers = new TopUsers(topUsers);
    }

    Point window(MetricSample s) {
        if (s.values() != null) {
            return valued(s);
        }
        Point p = Point.measurement("llm_" + s.dimension()).time(s.windowStart(), WritePrecision.MS);
        if (s.labels() != null) {
            s.labels().forEach((k, v) -> tag(p, snake(k), v));
        }
        p.addField("calls", s.calls()).addField("errors", s.errors())
                .addField("input_tokens", s.inputTokens()).addField("output_tokens", s.outputTokens())
                .addField("spend_usd", s.spendUsd()).addField("cache_hits", s.cacheHits())
                .addField("fallbacks", s.fallbacks()).addField("injection_attempts", s.injectionAttempts())
                .addField("unique_users", s.uniqueUsers()).addField("feedback", s.feedback())
                .addField("thumbs_up", s.thumbsUp()).addField("thumbs_down", s.thumbsDown())
                .addField("revision", s.revision())
                .addField("window_seconds", (s.windowEnd() - s.windowStart()) / 1000);
        optional(p, "error_rate", s.errorRate());
        optional(p, "latency_p50_ms", s.latencyP50Ms());
        optional(p, "latency_p95_ms", s.latencyP95Ms());
        optional(p, "latency_p99_ms", s.latencyP99Ms());
        optional(p, "cost_per_call_usd", s.costPerCallUsd());
        optional(p, "cache_hit_ratio", s.cacheHitRatio());
        optional(p, "fallback_ratio", s.fallbackRatio());
        optional(p, "thumbs_down_share", s.thumbsDownShare());
        optional(p, "acceptance_rate", s.acceptanceRate());
        return p;
    }

    /**
     * A drift score (docs/drift.md) or a top spender (docs/cost.md): its labels as tags (a spender's user is one
     * of the tenant's top N or "other", so bounded), its values as fields.
     */
    private Point valued(MetricSample s) {
        Point p = Point.measurement("llm_" + s.dimension()).time(s.windowStart(), WritePrecision.MS);
        s.labels().forEach((k, v) -> tag(p, snake(k), v));
        s.values().forEach(p::addField);
        if (Measurements.DRIFT.equals("llm_" + s.dimension())) {
            p.addField("current_count", s.calls());
        }
        return p.addField("window_seconds", (s.windowEnd() - s.windowStart()) / 1000);
    }

    Point alert(Alert a) {
        boolean firing = a.state() == Alert.State.FIRING;
        long time = firing || a.endsAt() == null ? a.startsAt() : a.endsAt();
        Point p = Point.measurement(Measurements.ALERT).time(time, WritePrecision.MS)
                .addTag("rule_id", a.ruleId()).addTag("tier", Integer.toString(a.tier()))
                .addTag("state", a.state().name())
                .addField("value", a.value()).addField("threshold", a.threshold()).addField("firing", firing ? 1 : 0)
                .addField("alert_id", a.alertId());
        Map<String, String> labels = a.labels() == null ? Map.of() : a.labels();
        labels.forEach((k, v) -> {
            if (USER_LABEL.equals(k)) {
                p.addTag("user", topUsers.tagFor(v)).addField("user_id", v);
            } else {
                tag(p, snake(k), v);
            }
        });
        if (!firing && a.endsAt() != null) {
            p.addField("duration_seconds", (a.endsAt() - a.startsAt()) / 1000.0);
        }
        text(p, "summary", a.summary());
        text(p, "runbook", a.runbook());
        text(p, "command_id", a.commandId());
        text(p, "rules_version", a.rulesVersion());
        return p;
    }

    Point command(ControlCommand c) {
        Point p = Point.measurement(Measurements.COMMAND).time(c.issuedAt(), WritePrecision.MS)
                .addTag("type", c.type().name())
                .addField("count", 1).addField("command_id", c.commandId()).addField("expires_at", c.expiresAt());
        if (isUserTarget(c.type())) {
            p.addTag("user", topUsers.tagFor(c.target())).addField("user_id", c.target());
        } else {
            p.addTag("target", c.target());
        }
        tag(p, "issuer", c.issuer());
        text(p, "reason", c.reason());
        text(p, "alert_id", c.alertId());
        if (c.params() != null && !c.params().isEmpty()) {
            p.addField("params", new TreeMap<>(c.params()).toString());
        }
        return p;
    }

    Point releaseChange(ReleaseState r) {
        Point p = Point.measurement(Measurements.RELEASE_CHANGE).time(r.updatedAt(), WritePrecision.MS)
                .addTag("prompt_id", r.promptId())
                .addField("production_version", r.productionVersion())
                .addField("candidate_split", r.candidateSplit()).addField("revision", r.revision());
        tag(p, "route", r.route());
        text(p, "previous_version", r.previousVersion());
        text(p, "candidate_version", r.candidateVersion());
        text(p, "updated_by", r.updatedBy());
        text(p, "reason", r.reason());
        return p;
    }

    /** One point per arm, tagged with the arm, so a dashboard can put the arms side by side. */
    List<Point> experiment(ExperimentState s) {
        List<Point> out = new ArrayList<>();
        for (ArmSummary a : s.arms()) {
            Point p = Point.measurement(Measurements.EXPERIMENT).time(s.updatedAt(), WritePrecision.MS)
                    .addTag("prompt_id", s.promptId()).addTag("experiment_id", s.experimentId()).addTag("arm", a.variant())
                    .addTag("version", a.version())
                    .addField("users", a.users()).addField("calls", a.calls()).addField("errors", a.errors())
                    .addField("samples", a.samples()).addField("accepted", a.accepted()).addField("raters", a.raters())
                    .addField("thumbs_up", a.thumbsUp()).addField("thumbs_down", a.thumbsDown())
                    .addField("split", s.split()).addField("samples_needed", s.samplesNeeded()).addField("status", s.status().name());
            tag(p, "route", s.route());
            tag(p, "mode", s.mode());
            optional(p, "error_rate", a.errorRate());
            optional(p, "acceptance_rate", a.acceptanceRate());
            optional(p, "acceptance_low", a.acceptanceLow());
            optional(p, "acceptance_high", a.acceptanceHigh());
            optional(p, "latency_p95_ms", a.latencyP95Ms());
            optional(p, "cost_per_call_usd", a.costPerCallUsd());
            optional(p, "p_value", s.pValue());
            optional(p, "effect", s.effect());
            optional(p, "effect_low", s.effectLow());
            optional(p, "effect_high", s.effectHigh());
            optional(p, "srm_p_value", s.srmPValue());
            text(p, "decision", s.decision() == null ? null : s.decision().name());
            text(p, "reason", s.reason());
            out.add(p);
        }
        return out;
    }

    private static boolean isUserTarget(CommandType t) {
        return t == CommandType.BLOCK_USER || t == CommandType.UNBLOCK_USER || t == CommandType.THROTTLE_USER;
    }

    /** InfluxDB refuses empty tag values; an absent label is simply not a tag. */
    private static void tag(Point p, String key, String v) {
        if (v != null && !v.isEmpty()) {
            p.addTag(key, v);
        }
    }

    private static void optional(Point p, String field, Double v) {
        if (v != null && Double.isFinite(v)) {
            p.addField(field, v);
        }
    }

    private static void text(Point p, String field, String v) {
        if (v != null && !v.isEmpty()) {
            p.addField(field, v);
        }
    }

    /** promptVersion → prompt_version: InfluxDB's and Grafana's usual naming. */
    static String snake(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char ch = camel.charAt(i);
            if (Character.isUpperCase(ch)) {
                if (i > 0) {
                    b.append('_');
                }
                b.append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }
}
