package dev.pilotlight.gateway.invoke;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.gateway.auth.Principal;
import dev.pilotlight.gateway.cache.ResponseCache;
import dev.pilotlight.gateway.catalog.Catalog;
import dev.pilotlight.gateway.catalog.Guards;
import dev.pilotlight.gateway.catalog.Route;
import dev.pilotlight.gateway.events.EventEmitter;
import dev.pilotlight.gateway.injection.InjectionScorer;
import dev.pilotlight.gateway.limits.Admission;
import dev.pilotlight.gateway.limits.Rejected;
import dev.pilotlight.gateway.limits.SpendLedger;
import dev.pilotlight.gateway.metrics.GatewayMetrics;
import dev.pilotlight.gateway.output.OutputChecks;
import dev.pilotlight.gateway.pii.PiiDetector;
import dev.pilotlight.gateway.pii.Redaction;
import dev.pilotlight.gateway.pii.StreamingRestorer;
import dev.pilotlight.gateway.policy.Policies;
import dev.pilotlight.gateway.prompt.PromptRegistry;
import dev.pilotlight.gateway.prompt.PromptVersion;
import dev.pilotlight.gateway.prompt.Semver;
import dev.pilotlight.gateway.provider.Answer;
import dev.pilotlight.gateway.provider.ChatCall;
import dev.pilotlight.gateway.provider.ChatResult;
import dev.pilotlight.gateway.provider.ChatTurn;
import dev.pilotlight.gateway.provider.ClientCancelled;
import dev.pilotlight.gateway.provider.ModelChain;
import dev.pilotlight.gateway.provider.ProviderFailure;
import dev.pilotlight.gateway.release.Assignment;
import dev.pilotlight.gateway.release.ReleaseBook;
import dev.pilotlight.gateway.tiering.QueryClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Serves one call, in the playbook's order: admission (blocks, pauses, rate limit, spend cap),
 * input guards (injection score, PII redaction), prompt construction (system text from the
 * released version, user input in its own messages), the model chain, output guards (leaked PII,
 * deny-list), PII restoration, and one InvocationEvent whatever the outcome.
 */
public final class InvocationService {

    private final String gatewayId;
    private final Catalog catalog;
    private final PromptRegistry prompts;
    private final ReleaseBook releases;
    private final ModelChain models;
    private final QueryClassifier classifier;
    private final EventEmitter events;
    private final Admission admission;
    private final SpendLedger ledger;
    private final Policies policies;
    private final PiiDetector pii = new PiiDetector();
    private final InjectionScorer injection = new InjectionScorer();
    private final RecentInvocations recent;
    private final GatewayMetrics metrics;
    private final ResponseCache cache;

    public InvocationService(String gatewayId, Catalog catalog, PromptRegistry prompts, ReleaseBook releases,
                             ModelChain models, QueryClassifier classifier, EventEmitter events,
                             Admission admission, SpendLedger ledger, Policies policies, RecentInvocations recent,
                             GatewayMetrics metrics, ResponseCache cache) {
        this.metrics = metrics;
        this.cache = cache;
        this.gatewayId = gatewayId;
        this.catalog = catalog;
        this.prompts = prompts;
        this.releases = releases;
        this.models = models;
        this.classifier = classifier;
        this.events = events;
        this.admission = admission;
        this.ledger = ledger;
        this.policies = policies;
        this.recent = recent;
    }

    /**
     * @param userTurns the caller's messages (validated); with the route API a single USER turn rendered
     *                  through the version's template when {@code templated}
     * @param onDelta null for a plain call, else receives streamed text
     * @throws Rejected when admission or a guard refuses the call (the event is emitted first)
     * @throws ProviderFailure when every model failed and the route has no degraded answer (the event is emitted first)
     */
    public Invocation invoke(Principal caller, Target target, List<ChatTurn> userTurns, boolean templated,
                             Integer maxTokens, Double temperature, Consumer<String> onDelta) {
        return invoke(caller, target, userTurns, List.of(), templated, maxTokens, temperature, onDelta);
    }

    /**
     * @param sources retrieved documents: given to the model in their own message (data, never instructions),
     *                and the only ids an answer may cite
     */
    public Invocation invoke(Principal caller, Target target, List<ChatTurn> userTurns, List<Source> sources, boolean templated,
                             Integer maxTokens, Double temperature, Consumer<String> onDelta) {
        long start = System.currentTimeMillis();
        long startNanos = System.nanoTime();
        String eventId = UUID.randomUUID().toString();
        Route route = target.route();
        Guards guards = route == null ? Guards.DEFAULT : route.guards();
        Assignment a = route == null ? null : releases.assign(route.promptId(), caller.userId());
        PromptVersion pv = a == null ? null : prompts.version(route.promptId(), Semver.parse(a.version()))
                .orElseThrow(() -> new IllegalStateException("released version has no file: " + route.promptId()));
        String promptVersion = a == null ? Target.NO_PROMPT_VERSION : a.version();
        String queryClass = classifier.classify(userTurns);
        String firstModel = firstModel(target, queryClass, start);
        long inputChars = userTurns.stream().mapToLong(t -> t.content().length()).sum();
        double injectionScore = guards.injection().equals("off") ? 0 : userTurns.stream()
                .filter(t -> t.role() == ChatTurn.Role.USER)
                .mapToDouble(t -> injection.score(t.content()).score()).max().orElse(0);
        List<String> flags = new ArrayList<>();
        Redaction redaction = new Redaction(pii);
        List<ChatTurn> turns = PromptAssembly.turns(pv, sources, userTurns, templated, guards.redactPii() ? redaction : null);
        InvocationEvent.Builder ev = InvocationEvent.builder()
                .eventId(eventId).timestamp(start).gatewayId(gatewayId)
                .tenant(caller.tenant()).userId(caller.userId())
                .route(route == null ? Target.DIRECT_ROUTE : route.name())
                .promptId(route == null ? null : route.promptId()).promptVersion(promptVersion)
                .experimentId(a == null ? null : a.experimentId()).variant(a == null ? null : a.variant())
                .inputChars(inputChars).queryClass(queryClass).model(firstModel)
                .piiRedactions(redaction.count()).injectionScore(injectionScore).outputFlags(flags);
        if (guards.logText()) {
            ev.inputText(turns.get(turns.size() - 1).content()); // redacted: raw PII never leaves the gateway
        }
        Route chain = route != null ? route
                : new Route(Target.DIRECT_ROUTE, null, firstModel, List.of(), null, null, null, Guards.DEFAULT, ResponseCache.Settings.OFF);
        SpendLedger.Reservation held;
        try {
            if (injectionScore >= guards.injectionThreshold() && !guards.injection().equals("off")) {
                flags.add("injection");
                if (guards.injection().equals("block")) {
                    throw new Rejected(InvocationStatus.BLOCKED_INPUT, 400, "prompt_injection_detected",
                            "the request looks like a prompt-injection attempt and was not sent to a model", null);
                }
            }
            held = admission.admit(caller, route == null ? null : route.name(), chain.chain(firstModel), inputChars, maxTokens, start);
        } catch (Rejected r) {
            emit(caller, ev.status(r.status()).errorType(r.code()).latencyMs(millisSince(startNanos)));
            throw r;
        }
        double spent = 0;
        String cacheKey = ResponseCache.key(caller.tenant(), promptVersion, maxTokens, temperature, turns);
        Optional<ResponseCache.Hit> hit = cache.get(chain.name(), cacheKey);
        if (hit.isPresent()) {
            ledger.settle(held, 0);
            return cached(caller, ev, hit.get(), redaction, guards, onDelta, eventId, chain, route, a, startNanos);
        }
        long[] streamedChars = {0};
        try {
            Consumer<String> counted = onDelta == null ? null : d -> {
                onDelta.accept(d);
                streamedChars[0] += d.length();
            };
            StreamingRestorer restorer = counted != null && guards.restorePii() ? new StreamingRestorer(redaction, counted) : null;
            Answer ans = models.call(chain, firstModel, new ChatCall(null, promptVersion, turns, maxTokens, temperature),
                    restorer != null ? restorer : counted);
            if (restorer != null) {
                restorer.finish();
            }
            ChatResult r = ans.result();
            spent = ans.model().price().cost(r.inputTokens(), r.outputTokens());
            ev.provider(ans.model().provider()).model(ans.model().alias()).modelTier(ans.model().tier())
                    .fallbackUsed(ans.fallbackUsed()).latencyMs(millisSince(startNanos)).upstreamLatencyMs(r.upstreamLatencyMs())
                    .inputTokens(r.inputTokens()).outputTokens(r.outputTokens()).costUsd(spent)
                    .outputChars(r.text() == null ? 0 : r.text().length());
            if (guards.logText()) {
                ev.outputText(r.text()); // before restoring: placeholders, not values
            }
            OutputChecks.Verdict verdict = ans.degraded() ? new OutputChecks.Verdict(List.of(), List.of(), null)
                    : OutputChecks.check(r.text(), redaction, guards, guards.outputSchema(),
                            sources.stream().map(Source::id).collect(java.util.stream.Collectors.toSet()));
            flags.addAll(verdict.flags());
            ev.citations(verdict.citations());
            String blockedBy = verdict.withholdBecause();
            if (blockedBy != null && onDelta == null) {
                emit(caller, ev.status(InvocationStatus.BLOCKED_OUTPUT).errorType(blockedBy));
                throw new Rejected(InvocationStatus.BLOCKED_OUTPUT, 422, "output_blocked",
                        "the model's answer was withheld by an output guard (" + blockedBy + ")", null);
            }
            if (ans.degraded()) {
                flags.add("degraded");
                ev.status(ans.failure().status()).errorType(ans.failure().errorType());
            } else {
                ev.status(InvocationStatus.OK);
            }
            emit(caller, ev);
            if (!ans.degraded()) {
                cache.put(chain.name(), cacheKey, new ResponseCache.Hit(r.text(), ans.model().alias(), r.finishReason()));
            }
            recent.remember(eventId, caller.userId(), chain.name(), a == null ? null : a.version(),
                    a == null ? null : a.variant(), ans.model().alias());
            String text = guards.restorePii() ? redaction.restore(r.text()) : r.text();
            Answer shown = new Answer(new ChatResult(text, r.inputTokens(), r.outputTokens(), r.finishReason(), r.upstreamLatencyMs()),
                    ans.model(), ans.fallbackUsed(), ans.degraded(), ans.failure());
            return new Invocation(eventId, chain.name(), route == null ? null : route.promptId(),
                    a == null ? null : a.version(), a == null ? null : a.variant(), shown, millisSince(startNanos), spent);
        } catch (ClientCancelled gone) {
            spent = cancelledCost(firstModel, turns, streamedChars[0]);
            emit(caller, ev.status(InvocationStatus.CANCELLED).errorType("client_cancelled").costUsd(spent)
                    .outputChars(streamedChars[0]).latencyMs(millisSince(startNanos)));
            throw gone;
        } catch (ProviderFailure f) {
            emit(caller, ev.status(f.status()).errorType(f.errorType())
                    .provider(catalog.model(firstModel).map(m -> m.provider()).orElse(null)).latencyMs(millisSince(startNanos)));
            throw f;
        } finally {
            ledger.settle(held, spent);
        }
    }

    /** Serves an answer from the cache: no model call, no cost, the event marked as a hit. */
    private Invocation cached(Principal caller, InvocationEvent.Builder ev, ResponseCache.Hit hit, Redaction redaction, Guards guards,
                              Consumer<String> onDelta, String eventId, Route chain, Route route, Assignment a, long startNanos) {
        String text = guards.restorePii() ? redaction.restore(hit.text()) : hit.text();
        if (onDelta != null) {
            onDelta.accept(text);
        }
        dev.pilotlight.gateway.catalog.ModelSpec model = catalog.model(hit.modelAlias()).orElseThrow();
        emit(caller, ev.status(InvocationStatus.OK).cacheHit(true).model(model.alias()).provider(model.provider())
                .modelTier(model.tier()).outputChars(hit.text().length()).latencyMs(millisSince(startNanos)));
        recent.remember(eventId, caller.userId(), chain.name(), a == null ? null : a.version(), a == null ? null : a.variant(), model.alias());
        return new Invocation(eventId, chain.name(), route == null ? null : route.promptId(), a == null ? null : a.version(),
                a == null ? null : a.variant(), new Answer(new ChatResult(text, 0, 0, hit.finishReason(), 0), model, false, false, null),
                millisSince(startNanos), 0);
    }

    /**
     * What an abandoned stream probably cost: the provider read the whole prompt and wrote what was
     * streamed before the cancel (about four characters a token; the usage chunk never came).
     */
    private double cancelledCost(String model, List<ChatTurn> turns, long streamedChars) {
        long inputChars = turns.stream().mapToLong(t -> t.content().length()).sum();
        return catalog.model(model).map(m -> m.price().cost((inputChars + 3) / 4, (streamedChars + 3) / 4)).orElse(0.0);
    }

    /** The route's model, its cheap tier for simple requests, or the guard's ROUTE_MODEL override. */
    private String firstModel(Target target, String queryClass, long now) {
        Route route = target.route();
        if (route == null) {
            return target.model().alias();
        }
        String first = route.cheapModel() != null && QueryClassifier.SIMPLE.equals(queryClass) ? route.cheapModel() : route.model();
        return policies.modelOverride(route.name(), now).filter(m -> catalog.model(m).isPresent()).orElse(first);
    }

    private void emit(Principal caller, InvocationEvent.Builder ev) {
        InvocationEvent e = ev.build();
        metrics.invocation(e);
        events.emit(Topics.INVOCATIONS, caller.userId(), e);
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
