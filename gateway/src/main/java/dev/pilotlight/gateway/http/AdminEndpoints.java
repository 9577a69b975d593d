package dev.pilotlight.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.experiment.RampStep;
import java.util.List;
import dev.pilotlight.gateway.control.CommandApplier;
import dev.pilotlight.gateway.catalog.Catalog;
import dev.pilotlight.gateway.catalog.Route;
import dev.pilotlight.gateway.pii.PiiDetector;
import dev.pilotlight.gateway.pii.Redaction;
import dev.pilotlight.gateway.prompt.PromptRegistry;
import dev.pilotlight.gateway.prompt.PromptVersion;
import dev.pilotlight.gateway.experiment.ExperimentBoard;
import dev.pilotlight.gateway.experiment.ScorecardBoard;
import dev.pilotlight.gateway.release.ReleaseBook;
import java.io.IOException;
import java.util.Comparator;

/** Release management and control-loop status; every endpoint here needs the admin role. */
public final class AdminEndpoints {
    private final Catalog catalog;
    private final ReleaseBook releases;
    private final CommandApplier applier;
    private final PromptRegistry prompts;
    private final PiiDetector pii = new PiiDetector();

    private final ExperimentBoard experiments;
    private final ScorecardBoard scorecards;
    private final dev.pilotlight.gateway.review.ReviewQueue reviews;

    public AdminEndpoints(Catalog catalog, PromptRegistry prompts, ReleaseBook releases, CommandApplier applier, ExperimentBoard experiments,
                          ScorecardBoard scorecards, dev.pilotlight.gateway.review.ReviewQueue reviews) {
        this.experiments = experiments;
        this.scorecards = scorecards;
        this.reviews = reviews;
        this.catalog = catalog;
        this.prompts = prompts;
        this.releases = releases;
        this.applier = applier;
    }

    /** GET /admin/releases: what each route serves. */
    public void listReleases(Request req) throws IOException {
        ArrayNode out = JsonCodec.mapper().createArrayNode();
        catalog.routes().values().stream().sorted(Comparator.comparing(Route::name)).forEach(r -> {
            ObjectNode n = out.addObject();
            n.put("route", r.name());
            n.put("model", r.model());
            n.set("release", JsonCodec.mapper().valueToTree(releases.current(r.promptId()).orElseThrow()));
        });
        req.respond(200, out);
    }

    /**
     * POST /admin/releases/{route} {"production":"1.1.0"}, {"candidate":"1.1.0","split":0.1} (an A/B
     * experiment), or {"candidate":"1.1.0","plan":[{"share":0.1,"bake":"10m","min_calls":200},...]} (a canary ramp).
     */
    public void release(Request req) throws IOException {
        Route route = route(req);
        JsonNode body = req.jsonBody();
        String production = BodyFields.optionalText(body, "production", 64);
        String candidate = BodyFields.optionalText(body, "candidate", 64);
        if (production == null && candidate == null && !body.has("candidate")) {
            throw ApiError.badRequest(null, "give 'production' and/or 'candidate' (with 'split' or 'plan'); candidate null ends an experiment");
        }
        List<RampStep> plan = body.hasNonNull("plan") ? RampPlanBody.read(body.get("plan")) : null;
        Double given = BodyFields.optionalNumber(body, "split", 0, 1);
        if (plan != null && given != null) {
            throw ApiError.badRequest("split", "give 'split' or 'plan', not both: a plan's first step is the split");
        }
        double split = plan != null ? plan.get(0).share() : given != null ? given : candidate == null ? 0.0 : 0.1;
        try {
            ReleaseState s = releases.release(route.promptId(), production, candidate, split, plan,
                    "admin:" + req.principal().keyId(), redacted(BodyFields.optionalText(body, "reason", 500)));
            req.respond(200, s);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(null, e.getMessage());
        }
    }

    /** POST /admin/releases/{route}/rollback: production goes back to the previous version. */
    public void rollback(Request req) throws IOException {
        Route route = route(req);
        ReleaseState now = releases.current(route.promptId()).orElseThrow();
        try {
            ReleaseState s = releases.rollback(route.promptId(), now.productionVersion(), null,
                    "admin:" + req.principal().keyId(), "manual rollback").orElse(now);
            req.respond(200, s);
        } catch (IllegalArgumentException e) {
            throw new ApiError(409, "invalid_request_error", "nothing_to_roll_back", null, e.getMessage());
        }
    }

    /** POST /admin/releases/{route}/promote: the candidate becomes production (the experiment's winner). */
    public void promote(Request req) throws IOException {
        Route route = route(req);
        ReleaseState now = releases.current(route.promptId()).orElseThrow();
        if (now.candidateVersion() == null) {
            throw new ApiError(409, "invalid_request_error", "no_candidate", null, "route " + route.name() + " has no candidate to promote");
        }
        req.respond(200, releases.promote(route.promptId(), now.candidateVersion(), "admin:" + req.principal().keyId(),
                "promoted by admin").orElse(now));
    }

    /** GET /admin/prompts/{route}: every version of the route's prompt with its changelog line, and which are released. */
    public void promptVersions(Request req) throws IOException {
        Route route = route(req);
        ReleaseState now = releases.current(route.promptId()).orElseThrow();
        ArrayNode out = JsonCodec.mapper().createArrayNode();
        for (PromptVersion v : prompts.versions(route.promptId())) {
            String version = v.version().toString();
            ObjectNode n = out.addObject();
            n.put("version", version);
            n.put("changelog", v.changelog());
            n.put("serving", version.equals(now.productionVersion()) ? "production"
                    : version.equals(now.candidateVersion()) ? "candidate" : null);
        }
        req.respond(200, out);
    }

    /** GET /admin/control: command counters and the most recent commands applied here. */
    public void controlStatus(Request req) throws IOException {
        ObjectNode out = JsonCodec.mapper().createObjectNode();
        out.set("counts", JsonCodec.mapper().valueToTree(applier.counts()));
        out.set("recent", JsonCodec.mapper().valueToTree(applier.recent()));
        req.respond(200, out);
    }

    /** GET /admin/experiments: each prompt's latest experiment as the guard job judged it (arms, p-values, decision). */
    public void experiments(Request req) throws IOException {
        req.respond(200, experiments.all());
    }

    /** GET /admin/reviews: the thumbs-down answers flagged for quality review and not closed yet, newest first (docs/usage.md). */
    public void reviews(Request req) throws IOException {
        req.respond(200, reviews.open());
    }

    /** POST /admin/reviews/{id}/close {"resolution": "..."}: closes a flagged item on every replica, saying what was done. */
    public void closeReview(Request req) throws IOException {
        String id = req.path("id");
        String resolution = BodyFields.requiredText(req.jsonBody(), "resolution", 500, "what was found or done, e.g. 'prompt fixed in 1.3.0'");
        dev.pilotlight.common.usage.ReviewItem item = reviews.get(id).orElseThrow(() -> ApiError.notFound("review_not_found",
                "no review item " + Echo.of(id)));
        if (item.status() == dev.pilotlight.common.usage.ReviewItem.Status.CLOSED) {
            throw new ApiError(409, "invalid_request_error", "review_closed", null, "review item " + Echo.of(id) + " was closed by "
                    + item.closedBy() + ": " + item.resolution());
        }
        req.respond(200, reviews.close(item, "admin:" + req.principal().keyId(), System.currentTimeMillis(), redacted(resolution)));
    }

    /** GET /admin/scorecards: each route's latest go/no-go scorecard as the guard job judged it (docs/usage.md). */
    public void scorecards(Request req) throws IOException {
        req.respond(200, scorecards.all());
    }

    /** A reason goes to guard.releases and the audit log: personal data in it is replaced like in any prompt. */
    private String redacted(String reason) {
        return reason == null ? null : new Redaction(pii).redact(reason);
    }

    private Route route(Request req) {
        String name = req.path("route");
        return catalog.route(name).orElseThrow(() -> ApiError.notFound("route_not_found", "no route named '" + Echo.of(name) + "'"));
    }
}
