package dev.pilotlight.local.usage;

import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.usage.Scorecard;
import dev.pilotlight.gateway.catalog.Catalog;
import dev.pilotlight.gateway.catalog.Guards;
import dev.pilotlight.gateway.catalog.Route;
import dev.pilotlight.gateway.prompt.PromptRegistry;
import dev.pilotlight.gateway.prompt.PromptVersion;
import dev.pilotlight.reports.ReportPage;
import dev.pilotlight.reports.usage.ModelCard;
import dev.pilotlight.reports.usage.RatedAnswers;
import dev.pilotlight.reports.usage.ReadinessReport;
import dev.pilotlight.reports.usage.ScorecardReader;
import dev.pilotlight.reports.usage.SecurityIncidents;
import dev.pilotlight.reports.usage.WeeklyReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders the usage reports (docs/usage.md, "Reports") from a running guard's topics: the readiness report of one route,
 * with a model card from the gateway's catalog and prompt files, and the weekly report of every route. Used by
 * {@code ./pilotlight report readiness|weekly} and by the adoption scenario.
 */
public final class UsageReports {
    private final String bootstrap;
    private final Path catalogFile;
    private final Path promptsDir;
    private final CommandSigner signer;

    /** @param signer the control key's signer: only signed scorecards are reported; null reads them unchecked */
    public UsageReports(String bootstrap, Path catalogFile, Path promptsDir, CommandSigner signer) {
        this.bootstrap = bootstrap;
        this.signer = signer;
        this.catalogFile = catalogFile;
        this.promptsDir = promptsDir;
    }

    /** The readiness report of {@code route}, or empty when the route has no scorecard on guard.scorecards. */
    public Optional<ReportPage.Written> readiness(String route, Path out) throws IOException {
        ScorecardReader.Read read = ScorecardReader.read(bootstrap, signer);
        Scorecard card = read.routes().get(route);
        if (card == null) {
            return Optional.empty();
        }
        long from = card.asOf() - card.dayMs() * card.value().roi().observedDays();
        ReadinessReport.Input in = new ReadinessReport.Input(card, read.tenants(route), RatedAnswers.thumbsDown(bootstrap, route, from),
                SecurityIncidents.of(bootstrap, route, from), modelCard(route));
        return Optional.of(ReadinessReport.write(in, out));
    }

    /** The weekly report of every route with a scorecard, or empty when there is none. */
    public Optional<ReportPage.Written> weekly(Path out) throws IOException {
        ScorecardReader.Read read = ScorecardReader.read(bootstrap, signer);
        Map<String, Scorecard> cards = read.routes();
        if (cards.isEmpty()) {
            return Optional.empty();
        }
        Scorecard newest = cards.values().stream().max(java.util.Comparator.comparingLong(Scorecard::asOf)).orElseThrow();
        long weekFrom = newest.asOf() - 7 * newest.dayMs();
        return Optional.of(WeeklyReport.write(cards.values(), read.tenants(), RatedAnswers.thumbsDown(bootstrap, null, weekFrom), weekFrom, out));
    }

    /** The route's model card from the catalog and prompt files; null when they cannot be read (the report says so). */
    ModelCard modelCard(String name) {
        try {
            Map<String, String> vars = new HashMap<>(System.getenv());
            vars.putIfAbsent("SIM_OPENAI_URL", "http://127.0.0.1:0/v1"); // the card needs no provider address
            vars.putIfAbsent("SIM_ANTHROPIC_URL", "http://127.0.0.1:0");
            Route r = Catalog.load(catalogFile, vars).route(name).orElse(null);
            if (r == null) {
                return null;
            }
            List<ModelCard.Version> versions = new ArrayList<>();
            for (PromptVersion v : PromptRegistry.load(promptsDir, List.of(r.promptId())).versions(r.promptId())) {
                versions.add(new ModelCard.Version(v.version().toString(), v.changelog()));
            }
            return new ModelCard(r.name(), r.model(), r.fallbacks(), String.valueOf(r.initialProduction()), versions, guards(r.guards()),
                    limits(r));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Map<String, String> guards(Guards g) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("personal data", g.redactPii() ? "redacted before the provider" + (g.restorePii() ? ", restored in the answer" : "") : "sent as is");
        out.put("prompt injection", g.injection() + " at score " + g.injectionThreshold());
        out.put("personal data in answers", g.blockPiiInOutput() ? "blocked" : "flagged");
        out.put("deny list", g.denyList().isEmpty() ? "none" : String.join(", ", g.denyList()));
        out.put("output schema", g.outputSchema() == null ? "none" : "enforced");
        out.put("citations", g.citationPattern() == null ? "not checked" : g.enforceCitations() ? "enforced" : "checked");
        return out;
    }

    private static List<String> limits(Route r) {
        List<String> out = new ArrayList<>();
        out.add("Answers come from " + r.model() + (r.fallbacks().isEmpty() ? "" : ", or " + String.join(", ", r.fallbacks()) + " when it fails")
                + "; their quality is judged by users' ratings, not by a reference set.");
        if (!r.guards().redactPii()) {
            out.add("Personal data reaches the provider unredacted.");
        }
        if (r.guards().outputSchema() == null) {
            out.add("Answers are free text: nothing checks their structure.");
        }
        out.add("Time saved is what users report; calls nobody rated count no time saved (the best case assumes they do).");
        return out;
    }
}
