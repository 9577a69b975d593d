package dev.pilotlight.gateway.invoke;

import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.gateway.drift.DriftSampler;
import dev.pilotlight.gateway.output.RefusalCheck;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.gateway.auth.Principal;
import dev.pilotlight.gateway.cache.ResponseCache;
import dev.pilotlight.gateway.catalog.Catalog;
import dev.pilotlight.gateway.catalog.Guards;
import dev.pilotlight.gateway.catalog.ModelSpec;
import dev.pilotlight.gateway.catalog.Route;
import dev.pilotlight.gateway.events.EventEmitter;
import dev.pilotlight.gateway.injection.ConversationScreen;
import dev.pilotlight.gateway.limits.Admission;
import dev.pilotlight.gateway.limits.Rejected;
import dev.pilotlight.gateway.limits.SpendLedger;
import dev.pilotlight.gateway.metrics.GatewayMetrics;
import dev.pilotlight.gateway.output.OutputChecks;
import dev.pilotlight.gateway.pii.PiiDetector;
import dev.pilotlight.gateway.pii.Redaction;
import dev.pilotlight.gateway.openai.ChatAnswers;
import dev.pilotlight.gateway.openai.RestoringRelay;
import dev.pilotlight.gateway.provider.Delta;
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
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Serves one call through named stages, in the playbook's order and in one place ({@link #invoke}):
 * assign (release and arm, first model, the event begun) → input guards (caller system messages by
 * the route's policy, injection scored over the whole conversation, the sources and tool results;
 * PII redaction and the route's prompt) → admit (the injection decision, what the provider can carry,
 * blocks, pauses, rate limit, the spend reservation for the whole request and the model's longest
 * answer) → cache → model (no thread waits for it) → output guards and PII restoration → emit (one
 * InvocationEvent whatever the outcome).
 */
public final class InvocationService {
    /** Tokens a message adds beyond its text (role and framing), for the reservation. */
    private static final long TOKENS_PER_MESSAGE = 8;

    private final String gatewayId;
    private final Catalog catalog;
    private final PromptRegistry prompts;
    private final ReleaseBook releases;
    private final ModelChain models;
    private final QueryClassifier classifier;
    private final InvocationEvents sent;
    private final Admission admission;
    private final SpendLedger ledger;
    private final Policies policies;
    private final PiiDetector pii = new PiiDetector();
    private final ConversationScreen screen = new ConversationScreen();
    private final RecentInvocations recent;
    private final GatewayMetrics metrics;
    private final ResponseCache cache;
    private final DriftSampler sampler;

    public InvocationService(String gatewayId, Catalog catalog, PromptRegistry prompts, ReleaseBook releases,
                             ModelChain models, QueryClassifier classifier, EventEmitter events,
                             Admission admission, SpendLedger ledger, Policies policies, RecentInvocations recent,
                             GatewayMetrics metrics, ResponseCache cache, DriftSampler sampler) {
        this.metrics = metrics;
        this.sampler = sampler;
        this.cache = cache;
        this.gatewayId = gatewayId;
        this.catalog = catalog;
        this.prompts = prompts;
        this.releases = releases;
        this.models = models;
        this.classifier = classifier;
        this.sent = new InvocationEvents(events, metrics);
        this.admission = admission;
        this.ledger = ledger;
        this.policies = policies;
        this.recent = recent;
    }

    /** What is decided about a call before admission: its release, guards, model, and the conversation as sent. */
    private record Prepared(Route route, Route chain, Guards guards, Assignment assignment, String promptVersion, String firstModel,
                            Redaction redaction, List<ChatTurn> turns, ConversationScreen.Verdict screened,
                            InvocationEvent.Builder event, long startNanos, List<String> flags) {
        String promptId() {
            return route == null ? null : route.promptId();
        }

        String version() {
            return assignment == null ? null : assignment.version();
        }

        String variant() {
            return assignment == null ? null : assignment.variant();
        }
    }

    /**
     * The call's stages, in order. The future fails with Rejected when admission or a guard refuses the call,
     * ProviderFailure when every model failed and the route has no degraded answer, ClientCancelled when the
     * caller left a stream; each is emitted as an event first.
     */
    public CompletableFuture<Invocation> invoke(Call call) {
        try {
            Prepared p = guardInput(call, assign(call));
            SpendLedger.Reservation held = admit(call, p);
            String cacheKey = cacheKey(call, p);
            Optional<ResponseCache.Hit> hit = cacheKey == null ? Optional.empty() : cache.get(p.chain().name(), cacheKey);
            if (hit.isPresent()) {
                ledger.settle(held, 0);
                return CompletableFuture.completedFuture(cached(call, p, hit.get()));
            }
            return model(call, p, held, cacheKey); // then output guards and emit, when the model has answered
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The cache key, with every answer-shaping field of an OpenAI request; null when such an answer is not cached. */
    private static String cacheKey(Call call, Prepared p) {
        if (call.body() != null && !call.body().cacheable()) {
            return null;
        }
        return ResponseCache.key(call.caller().tenant(), p.promptVersion(), call.maxTokens(), call.temperature(), p.turns(),
                call.body() == null ? null : call.body().shapingFields());
    }

    /** What is decided before the guards: the release and arm, the model, the route's guards, and the event begun. */
    private record Assigned(Route route, Route chain, Guards guards, Assignment assignment, PromptVersion version, String promptVersion,
                            String firstModel, InvocationEvent.Builder event, long startNanos, List<String> flags) {}

    /** Stage assign: the caller's release and arm, the first model (tier, override), and the event with what is known. */
    private Assigned assign(Call call) {
        long startNanos = System.nanoTime();
        long start = System.currentTimeMillis();
        Principal caller = call.caller();
        Route route = call.target().route();
        Guards guards = route == null ? Guards.DIRECT : route.guards();
        Assignment a = route == null ? null : releases.assign(route.promptId(), caller.userId());
        PromptVersion pv = a == null ? null : prompts.version(route.promptId(), Semver.parse(a.version()))
                .orElseThrow(() -> new IllegalStateException("released version has no file: " + route.promptId()));
        String promptVersion = a == null ? Target.NO_PROMPT_VERSION : a.version();
        String queryClass = classifier.classify(call.turns());
        Optional<String> degraded = admission.degraded(caller, route == null ? null : route.name(), start);
        String firstModel = degraded.isPresent() && route != null && route.cheapModel() != null ? route.cheapModel()
                : firstModel(call.target(), pv, queryClass, start);
        List<String> flags = new ArrayList<>();
        InvocationEvent.Builder ev = InvocationEvent.builder()
                .eventId(call.eventId()).gatewayId(gatewayId) // stamped when sent (emit)
                .tenant(caller.tenant()).userId(caller.userId())
                .route(route == null ? Target.DIRECT_ROUTE : route.name())
                .promptId(route == null ? null : route.promptId()).promptVersion(promptVersion)
                .experimentId(a == null ? null : a.experimentId()).variant(a == null ? null : a.variant())
                .inputChars(call.turns().stream().mapToLong(t -> t.content().length()).sum()).queryClass(queryClass).model(firstModel)
                .outputFlags(flags).requestHash(RequestFingerprint.of(call.turns()))
                .degraded(degraded.isPresent() ? QUOTA : null);
        if (call.body() != null) {
            ev.toolsOffered(call.body().toolsOffered()).responseFormat(call.body().responseFormat());
        }
        Route chain = route != null ? route
                : new Route(Target.DIRECT_ROUTE, null, firstModel, List.of(), null, null, null, Guards.DEFAULT, ResponseCache.Settings.OFF,
                        dev.pilotlight.gateway.drift.DriftSampling.OFF);
        return new Assigned(route, chain, guards, a, pv, promptVersion, firstModel, ev, startNanos, flags);
    }

    /**
     * Stage input guards: the caller's system messages by the route's policy, the injection screen, then
     * personal data redacted and the route's prompt put in front (the decision on the score is admission's).
     */
    private Prepared guardInput(Call call, Assigned a) {
        Route route = a.route();
        Guards guards = a.guards();
        Principal caller = call.caller();
        InvocationEvent.Builder ev = a.event();
        PromptVersion pv = a.version();
        ConversationScreen.Verdict screened;
        try {
            screened = screen.screen(call.turns(), call.sources(), guards, route != null);
        } catch (Rejected r) {
            emit(caller, ev.status(r.status()).errorType(r.code()).latencyMs(millisSince(a.startNanos())));
            throw r;
        }
        Redaction redaction = new Redaction(pii);
        List<ChatTurn> turns = call.body() == null
                ? PromptAssembly.turns(pv, call.sources(), screened.turns(), call.templated(), guards.redactPii() ? redaction : null)
                : PromptAssembly.body(pv, call.sources(), call.body(), route != null && guards.callerSystem().equals("demote"),
                        guards.redactPii() ? redaction : null);
        ev.piiRedactions(redaction.count()).injectionScore(Math.max(screened.score(), screened.indirectScore()));
        if (guards.logText()) {
            ev.inputText(turns.get(turns.size() - 1).content()); // redacted: raw PII never leaves the gateway
        }
        return new Prepared(route, a.chain(), guards, a.assignment(), a.promptVersion(), a.firstModel(), redaction, turns, screened, ev,
                a.startNanos(), a.flags());
    }

    /** The injection decision, then admission; a refusal is emitted as an event and thrown. */
    private SpendLedger.Reservation admit(Call call, Prepared p) {
        try {
            Guards guards = p.guards();
            if (!guards.injection().equals("off")) {
                boolean direct = p.screened().score() >= guards.injectionThreshold();
                boolean indirect = p.screened().indirectScore() >= guards.injectionThreshold();
                if (direct) {
                    p.flags().add("injection");
                }
                if (indirect) {
                    p.flags().add("indirect_injection");
                }
                if ((direct || indirect) && guards.injection().equals("block")) {
                    throw new Rejected(InvocationStatus.BLOCKED_INPUT, 400, "prompt_injection_detected", direct
                            ? "the request looks like a prompt-injection attempt and was not sent to a model"
                            : "a source or tool result holds what looks like a prompt injection; the request was not sent to a model", null);
                }
            }
            Optional<String> field = models.cannotCarry(p.firstModel(), chatCall(call, p));
            if (field.isPresent()) {
                throw new Rejected(InvocationStatus.BLOCKED_INPUT, 400, "unsupported_field", "model " + p.firstModel()
                        + " is reached through a translation that cannot carry " + field.get()
                        + "; the request was not sent (docs/compatibility.md)", null);
            }
            return admission.admit(call.caller(), p.route() == null ? null : p.route().name(), p.chain().chain(p.firstModel()),
                    estimatedInputTokens(p.turns()), call.body() == null ? 1 : call.body().answers(), System.currentTimeMillis());
        } catch (Rejected r) {
            emit(call.caller(), p.event().status(r.status()).errorType(r.code()).latencyMs(millisSince(p.startNanos())));
            throw r;
        }
    }

    /** Every message as sent (system prompt, armor, sources, the caller's turns), generously: ~3 characters a token. */
    static long estimatedInputTokens(List<ChatTurn> turns) {
        long chars = 0;
        for (ChatTurn t : turns) {
            chars += t.content().length();
        }
        return chars / 3 + turns.size() * TOKENS_PER_MESSAGE + 16;
    }

    private static ChatCall chatCall(Call call, Prepared p) {
        return new ChatCall(null, p.promptVersion(), p.turns(), call.maxTokens(), call.temperature(), call.body());
    }

    /**
     * Stage model: the chain is asked without a thread waiting for it; when it answers (or fails), the
     * outcome is costed, the reservation settled, and the output guards and the event follow.
     */
    private CompletableFuture<Invocation> model(Call call, Prepared p, SpendLedger.Reservation held, String cacheKey) {
        long[] streamedChars = {0};
        Consumer<Delta> counted = call.onDelta() == null ? null : d -> {
            call.onDelta().accept(d);
            streamedChars[0] += d.text().length();
        };
        RestoringRelay restorer = counted != null && p.guards().restorePii() ? new RestoringRelay(p.redaction(), counted) : null;
        CompletableFuture<Answer> answer;
        long asked = System.nanoTime();
        try {
            answer = models.call(p.chain(), p.firstModel(), chatCall(call, p), restorer != null ? restorer : counted);
        } catch (RuntimeException e) {
            ledger.settle(held, 0);
            throw e;
        }
        return answer.handle((ans, err) -> {
            double[] spent = {0};
            try {
                return modelDone(new ModelOutcome(call, p, ans, err == null ? null : ModelChain.unwrap(err), restorer, streamedChars[0],
                        cacheKey, System.nanoTime() - asked), spent);
            } finally {
                ledger.settle(held, spent[0]);
            }
        });
    }

    /**
     * What the model stage ended with, for the output guards and the event: the chain's answer or failure, what a stream
     * relayed before it ended, the cache key (null: not cached) and the time the chain took.
     */
    private record ModelOutcome(Call call, Prepared p, Answer answer, Throwable failure, RestoringRelay restorer, long streamedChars,
                                String cacheKey, long modelNanos) {}

    /**
     * The chain's outcome: costed and passed to the output guards, or emitted as the failure it is and thrown.
     * {@code spent} receives the cost to settle the reservation with, whatever happens.
     */
    private Invocation modelDone(ModelOutcome o, double[] spent) {
        Call call = o.call();
        Prepared p = o.p();
        Answer ans = o.answer();
        InvocationEvent.Builder ev = p.event();
        try {
            if (o.failure() != null) {
                throw o.failure() instanceof RuntimeException re ? re : new IllegalStateException(o.failure());
            }
            if (o.restorer() != null) {
                o.restorer().finish();
            }
            ChatResult r = ans.result();
            spent[0] = ans.model().price().cost(r.inputTokens(), r.outputTokens());
            ev.provider(ans.model().provider()).model(ans.model().alias()).modelTier(ans.model().tier())
                    .fallbackUsed(ans.fallbackUsed()).latencyMs(millisSince(p.startNanos())).upstreamLatencyMs(r.upstreamLatencyMs())
                    .inputTokens(r.inputTokens()).outputTokens(r.outputTokens()).costUsd(spent[0])
                    .outputChars(r.text() == null ? 0 : r.text().length()).toolCalls(r.toolCalls());
            if (call.maxTokens() != null && r.outputTokens() > call.maxTokens()) {
                p.flags().add("max_tokens_exceeded"); // billed as reported, and counted against the provider
                metrics.providerOverrun(ans.model().provider());
            }
            return answered(o, spent[0]);
        } catch (ClientCancelled gone) {
            spent[0] = cancelledCost(p.firstModel(), p.turns(), o.streamedChars());
            emit(call.caller(), ev.status(InvocationStatus.CANCELLED).errorType("client_cancelled").costUsd(spent[0])
                    .outputChars(o.streamedChars()).latencyMs(millisSince(p.startNanos())));
            throw gone;
        } catch (ProviderFailure f) {
            emit(call.caller(), ev.status(f.status()).errorType(f.errorType())
                    .provider(catalog.model(p.firstModel()).map(ModelSpec::provider).orElse(null)).latencyMs(millisSince(p.startNanos())));
            throw f;
        }
    }

    /** Stages output guards and emit: the checks, the event, the cache (only for answers no guard flagged), the answer with PII restored. */
    private Invocation answered(ModelOutcome o, double spent) {
        Call call = o.call();
        Prepared p = o.p();
        Answer ans = o.answer();
        String cacheKey = o.cacheKey();
        ChatResult r = ans.result();
        InvocationEvent.Builder ev = p.event();
        if (p.guards().logText()) {
            ev.outputText(r.text()); // before restoring: placeholders, not values
        }
        OutputChecks.Verdict verdict = ans.degraded() ? new OutputChecks.Verdict(List.of(), List.of(), null)
                : OutputChecks.checkAll(r.raw() == null ? java.util.Collections.singletonList(r.text()) : ChatAnswers.texts(r.raw()),
                        p.redaction(), p.guards(), call.sources().stream().map(Source::id).collect(Collectors.toSet()));
        p.flags().addAll(verdict.flags());
        ev.citations(verdict.citations()).finishReason(r.finishReason()).refusal(RefusalCheck.isRefusal(r.finishReason(), r.text()));
        String blockedBy = verdict.withholdBecause();
        if (blockedBy != null && call.onDelta() == null) {
            emit(call.caller(), ev.status(InvocationStatus.BLOCKED_OUTPUT).errorType(blockedBy));
            throw new Rejected(InvocationStatus.BLOCKED_OUTPUT, 422, "output_blocked",
                    "the model's answer was withheld by an output guard (" + blockedBy + ")", null);
        }
        if (ans.degraded()) {
            p.flags().add("degraded");
            ev.status(ans.failure().status()).errorType(ans.failure().errorType());
        } else {
            ev.status(InvocationStatus.OK);
        }
        emitSampled(call.caller(), p, ev, r.text() == null ? "" : r.text());
        if (!ans.degraded() && p.flags().isEmpty() && cacheKey != null && r.text() != null) { // a flagged answer is never served again
            cache.put(p.chain().name(), cacheKey, new ResponseCache.Hit(r.text(), ans.model().alias(), r.finishReason()));
        }
        recent.remember(call.eventId(), call.caller().userId(), p.chain().name(), p.version(), p.variant(), ans.model().alias());
        recent.rememberAnswer(call.eventId(), r.text()); // still redacted: what a reviewer may read
        if (p.guards().restorePii() && r.raw() != null) {
            ChatAnswers.restore(r.raw(), p.redaction());
        }
        String text = p.guards().restorePii() ? p.redaction().restore(r.text()) : r.text();
        Answer shown = new Answer(r.withText(text), ans.model(), ans.fallbackUsed(), ans.degraded(), ans.failure());
        return new Invocation(call.eventId(), p.chain().name(), p.promptId(), p.version(), p.variant(), shown,
                millisSince(p.startNanos()), spent, o.modelNanos());
    }

    /** Serves an answer from the cache: no model call, no cost, the event marked as a hit. */
    private Invocation cached(Call call, Prepared p, ResponseCache.Hit hit) {
        String text = p.guards().restorePii() ? p.redaction().restore(hit.text()) : hit.text();
        if (call.onDelta() != null) {
            call.onDelta().accept(Delta.text(text));
        }
        ModelSpec model = catalog.model(hit.modelAlias()).orElseThrow();
        emit(call.caller(), p.event().status(InvocationStatus.OK).cacheHit(true).model(model.alias()).provider(model.provider())
                .modelTier(model.tier()).outputChars(hit.text().length()).finishReason(hit.finishReason())
                .latencyMs(millisSince(p.startNanos())));
        recent.remember(call.eventId(), call.caller().userId(), p.chain().name(), p.version(), p.variant(), model.alias());
        recent.rememberAnswer(call.eventId(), hit.text());
        return new Invocation(call.eventId(), p.chain().name(), p.promptId(), p.version(), p.variant(),
                new Answer(new ChatResult(text, 0, 0, hit.finishReason(), 0), model, false, false, null), millisSince(p.startNanos()), 0, 0);
    }

    /**
     * What an abandoned stream probably cost: the provider read the whole prompt and wrote what was
     * streamed before the cancel (about four characters a token; the usage chunk never came).
     */
    private double cancelledCost(String model, List<ChatTurn> turns, long streamedChars) {
        long inputChars = turns.stream().mapToLong(t -> t.content().length()).sum();
        return catalog.model(model).map(m -> m.price().cost((inputChars + 3) / 4, (streamedChars + 3) / 4)).orElse(0.0);
    }

    /**
     * The route's model (or the one the served prompt version pins), its cheap tier for simple requests,
     * or the guard's ROUTE_MODEL override.
     */
    private String firstModel(Target target, PromptVersion pv, String queryClass, long now) {
        Route route = target.route();
        if (route == null) {
            return target.model().alias();
        }
        String model = pv != null && pv.model() != null ? pv.model() : route.model();
        String first = route.cheapModel() != null && QueryClassifier.SIMPLE.equals(queryClass) ? route.cheapModel() : model;
        return policies.modelOverride(route.name(), now).filter(m -> catalog.model(m).isPresent()).orElse(first);
    }

    /** Whether the caller is over a quota and the target serves it by its cheap tier (the response then says so). */
    public boolean servedDegraded(Principal caller, Target target) {
        Route route = target.route();
        return route != null && route.cheapModel() != null
                && admission.degraded(caller, route.name(), System.currentTimeMillis()).isPresent();
    }

    /** The event's {@code degraded} value (and the response header's) for a caller over quota served by the cheap tier. */
    public static final String QUOTA = "quota";

    private void emit(Principal caller, InvocationEvent.Builder ev) {
        sent.emit(caller, ev);
    }

    /**
     * An answered call: stamped now, then sent now or, when its route samples it for drift, by the
     * sampler once its redacted texts have a language and topics (docs/drift.md).
     */
    private void emitSampled(Principal caller, Prepared p, InvocationEvent.Builder ev, String redactedAnswer) {
        ev.timestamp(System.currentTimeMillis());
        String question = p.turns().get(p.turns().size() - 1).content(); // redacted, as the provider saw it
        sampler.emit(p.chain().name(), question, redactedAnswer, ev, b -> sent.send(caller, b));
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
