package dev.pilotlight.gateway;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.gateway.audit.AuditLog;
import dev.pilotlight.gateway.auth.ApiKeyAuthenticator;
import dev.pilotlight.gateway.auth.Role;
import dev.pilotlight.gateway.config.ConfigException;
import dev.pilotlight.gateway.config.GatewayConfig;
import dev.pilotlight.gateway.control.CommandApplier;
import dev.pilotlight.gateway.control.ControlLoop;
import dev.pilotlight.gateway.experiment.ExperimentBoard;
import dev.pilotlight.gateway.experiment.ScorecardBoard;
import dev.pilotlight.gateway.review.ReviewQueue;
import dev.pilotlight.gateway.control.ReleaseChannel;
import dev.pilotlight.gateway.events.DiskSpool;
import dev.pilotlight.gateway.events.EventEmitter;
import dev.pilotlight.gateway.heartbeat.HeartbeatPublisher;
import dev.pilotlight.gateway.http.AdminEndpoints;
import dev.pilotlight.gateway.http.EdgeSettings;
import dev.pilotlight.gateway.http.Endpoint;
import dev.pilotlight.gateway.http.HttpEdge;
import dev.pilotlight.gateway.http.InvokeEndpoints;
import dev.pilotlight.gateway.http.EmbeddingsEndpoint;
import dev.pilotlight.gateway.invoke.EmbeddingService;
import dev.pilotlight.gateway.http.Router;
import dev.pilotlight.gateway.http.FeedbackEndpoint;
import dev.pilotlight.gateway.invoke.InvocationIds;
import dev.pilotlight.gateway.invoke.InvocationService;
import dev.pilotlight.gateway.invoke.RecentInvocations;
import dev.pilotlight.gateway.limits.Admission;
import dev.pilotlight.gateway.limits.RateLimits;
import dev.pilotlight.gateway.limits.SpendLedger;
import dev.pilotlight.gateway.metrics.GatewayMetrics;
import dev.pilotlight.gateway.policy.Policies;
import dev.pilotlight.gateway.cache.ResponseCache;
import dev.pilotlight.gateway.catalog.Route;
import dev.pilotlight.gateway.drift.DriftSampler;
import dev.pilotlight.gateway.catalog.Catalog;
import dev.pilotlight.gateway.prompt.PromptRegistry;
import dev.pilotlight.gateway.provider.Langchain4jClient;
import dev.pilotlight.gateway.provider.OpenAiWireClient;
import dev.pilotlight.gateway.provider.netty.UpstreamHttp;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import dev.pilotlight.gateway.catalog.ProviderSpec;
import dev.pilotlight.gateway.provider.http.OkHttpTransports;
import dev.pilotlight.gateway.provider.ModelChain;
import dev.pilotlight.gateway.tiering.QueryClassifier;
import dev.pilotlight.gateway.release.ReleaseBook;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One gateway replica: wires configuration, HTTP, Kafka emission, the control loop and heartbeats. */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final EventEmitter events;
    private final ReleaseBook releases;
    private final CommandApplier applier;
    private final ControlLoop control;
    private final ReleaseChannel releaseChannel;
    private final ExperimentBoard experiments;
    private final ScorecardBoard scorecards;
    private final HeartbeatPublisher heartbeat;
    private HttpEdge edge;
    private final Router router;
    private final GatewayMetrics metrics;
    private final ModelChain models;
    private final OkHttpTransports transports;
    /** The server's event loops, shared by the calls to OpenAI-format providers (docs/architecture.md, "Gateway threads"). */
    private final EventLoopGroup loops;
    /** OpenAI-format providers, without a thread per call in flight. */
    private final UpstreamHttp upstreamHttp;
    /** Translated providers' blocking calls (langchain4j), and the chain's retry backoff timer. */
    private final ExecutorService translatedCalls;
    private final ScheduledExecutorService retryTimer;
    private final Policies policies;
    private final AuditLog audit;
    private final DriftSampler sampler;

    private Gateway(GatewayConfig config, Map<String, String> variables) throws IOException {
        this.config = config;
        this.loops = HttpEdge.newLoops(config.transport());
        Catalog catalog = Catalog.load(config.catalogFile(), variables);
        PromptRegistry registry = PromptRegistry.load(config.promptsDir(),
                catalog.routes().values().stream().map(Route::promptId).collect(Collectors.toSet()), m -> catalog.model(m).isPresent());
        ApiKeyAuthenticator auth = ApiKeyAuthenticator.fromFile(config.apiKeysFile());
        CommandSigner signer = CommandSigner.fromSecret(config.controlKey());
        events = new EventEmitter(config.kafkaBootstrap(), config.gatewayId(), config.eventQueueCapacity(),
                new DiskSpool(config.spoolDir(), config.spoolMaxBytes()), config.deliveryTimeout());
        audit = new AuditLog(config.auditFile(), config.gatewayId());
        java.util.function.Consumer<dev.pilotlight.common.event.ReleaseState> publish =
                s -> events.emit(Topics.RELEASES, s.promptId(), signer.sign(s)); // signed: docs/security.md
        releases = new ReleaseBook(catalog, registry, s -> {
            audit.record(s.updatedBy(), "release-change", s.promptId(), ReleaseChannel.details(s));
            publish.accept(s);
        });
        policies = new Policies();
        applier = new CommandApplier(signer, releases, policies, catalog, audit, Duration.ofDays(1), (reason, raw) ->
                events.emit(Topics.DLQ, Topics.CONTROL, DeadLetter.of(Topics.CONTROL, -1, -1, null, reason,
                        new String(raw, StandardCharsets.UTF_8), System.currentTimeMillis())));
        java.util.function.BiConsumer<String, org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> deadLetter =
                (reason, r) -> events.emit(Topics.DLQ, r.topic(), DeadLetter.of(r.topic(), r.partition(), r.offset(), r.key(),
                        reason, r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8), System.currentTimeMillis()));
        releaseChannel = new ReleaseChannel(signer, releases, audit, publish, deadLetter);
        experiments = new ExperimentBoard(signer, deadLetter);
        scorecards = new ScorecardBoard(signer, deadLetter);
        RecentInvocations recent = new RecentInvocations(config.feedbackContextCalls());
        ReviewQueue reviews = new ReviewQueue(signer, events, recent, deadLetter);
        control = new ControlLoop(config.kafkaBootstrap(), config.gatewayId(), applier, releaseChannel, List.of(experiments, scorecards, reviews),
                config.controlReplay(), deadLetter);
        transports = new OkHttpTransports(256);
        upstreamHttp = UpstreamHttp.onLoops(loops, config.transport());
        translatedCalls = Executors.newCachedThreadPool(daemon("provider-translated"));
        retryTimer = Executors.newSingleThreadScheduledExecutor(daemon("model-retry"));
        models = new ModelChain(catalog, spec -> spec.kind() == ProviderSpec.Kind.OPENAI
                ? new OpenAiWireClient(spec, upstreamHttp) // untranslated: every field of the caller's request goes on
                : new Langchain4jClient(spec, transports, translatedCalls), retryTimer);
        metrics = new GatewayMetrics();
        sampler = new DriftSampler(catalog.routes().values().stream().filter(r -> r.drift().enabled())
                .collect(java.util.stream.Collectors.toMap(Route::name, Route::drift)));
        RateLimits rateLimits = new RateLimits();
        SpendLedger ledger = new SpendLedger(config.userDailyUsd(), Clock.systemUTC());
        Admission admission = new Admission(policies, rateLimits, ledger, catalog, config.userPerMinute());
        InvocationService service = new InvocationService(config.gatewayId(), catalog, registry, releases, models,
                new QueryClassifier(400, 2), events, admission, ledger, policies, recent, metrics,
                new ResponseCache(catalog.routes().values()), sampler);
        EmbeddingsEndpoint embeddings = new EmbeddingsEndpoint(catalog,
                new EmbeddingService(config.gatewayId(), models, admission, ledger, events, metrics));
        InvocationIds ids = new InvocationIds(config.controlKey());
        InvokeEndpoints invoke = new InvokeEndpoints(catalog, service, ids, metrics);
        AdminEndpoints admin = new AdminEndpoints(catalog, registry, releases, applier, experiments, scorecards, reviews);
        router = new Router(auth, rateLimits, config.ipPerMinute(), metrics, config.requestTimeout(), config.inlineBodyBytes())
                .bind(Endpoint.HEALTHZ, req -> req.respond(200, Map.of("status", "ok")))
                .bind(Endpoint.READYZ, req -> req.respond(isReady() ? 200 : 503, Map.of("ready", isReady(),
                        "controlLoop", control.isReady(), "kafka", events.kafkaReachable() ? "reachable" : "unreachable (spooling)",
                        "spoolDepth", events.spoolDepth(), "providers", models.breakerStates())))
                .bind(Endpoint.METRICS, req -> req.respondRaw(200, metrics.contentType(), metrics.scrape()))
                .bindAsync(Endpoint.INVOKE_ROUTE, invoke::invokeRoute)
                .bindAsync(Endpoint.CHAT_COMPLETIONS, invoke::chatCompletions)
                .bindAsync(Endpoint.EMBEDDINGS, embeddings::embed)
                .bind(Endpoint.MODELS, invoke::listModels)
                .bind(Endpoint.FEEDBACK, new FeedbackEndpoint(recent, events, ids, config.feedbackScope(), reviews)::submit)
                .bind(Endpoint.ADMIN_RELEASES, admin::listReleases)
                .bind(Endpoint.ADMIN_RELEASE, admin::release)
                .bind(Endpoint.ADMIN_ROLLBACK, admin::rollback)
                .bind(Endpoint.ADMIN_PROMOTE, admin::promote)
                .bind(Endpoint.ADMIN_PROMPTS, admin::promptVersions)
                .bind(Endpoint.ADMIN_CONTROL, admin::controlStatus)
                .bind(Endpoint.ADMIN_EXPERIMENTS, admin::experiments)
                .bind(Endpoint.ADMIN_SCORECARDS, admin::scorecards)
                .bind(Endpoint.ADMIN_REVIEWS, admin::reviews)
                .bind(Endpoint.ADMIN_REVIEW_CLOSE, admin::closeReview)
                .requireAllBound();
        metrics.gauges("pilotlight_gateway_drift_samples", "Answered calls given drift features (sampled), emitted without "
                + "them over the route's rate or at a full queue (skipped_rate, skipped_busy), since start; queued now", "outcome",
                sampler::counts);
        metrics.counter("pilotlight_gateway_drift_sampler_cpu_seconds", "CPU time of the drift sampler's thread since start"
                + " (its rate is the share of one core that drift features cost this replica)", sampler::cpuSeconds);
        metrics.gauge("pilotlight_gateway_inflight_requests", "Requests being served", router::inFlight);
        metrics.gauge("pilotlight_gateway_event_queue_depth", "Events waiting for the Kafka producer", events::queued);
        metrics.gauge("pilotlight_gateway_spool_depth", "Events on disk waiting for Kafka", events::spoolDepth);
        metrics.gauge("pilotlight_gateway_release_states_refused", "Release states refused since start: unsigned, tampered or "
                + "not servable (monotonic)", releaseChannel::refused);
        metrics.gauges("pilotlight_gateway_events", "Events by outcome since start (monotonic)", "outcome", () -> Map.of(
                "emitted", (double) events.emitted(), "spooled", (double) events.spooled(),
                "redelivered", (double) events.redelivered(), "dropped", (double) events.dropped()));
        metrics.gauges("pilotlight_gateway_commands", "Control commands by outcome since start (monotonic)", "outcome", () -> {
            Map<String, Double> m = new java.util.TreeMap<>();
            applier.counts().forEach((k, v) -> m.put(k.name(), v.doubleValue()));
            return m;
        });
        metrics.gauges("pilotlight_gateway_provider_breaker_open", "1 when a provider's circuit breaker is open", "provider", () -> {
            Map<String, Double> m = new java.util.TreeMap<>();
            models.breakerStates().forEach((k, v) -> m.put(k, "OPEN".equals(v) ? 1.0 : 0.0));
            return m;
        });
        heartbeat = new HeartbeatPublisher(config.gatewayId(), events, releases, applier, router::inFlight);
        metrics.gauge("pilotlight_gateway_open_connections", "Open HTTP connections", () -> edge == null ? 0 : edge.openConnections());
    }

    private EdgeSettings edgeSettings() {
        return new EdgeSettings(config.bindAddress(), config.port(), config.httpThreads(), config.maxBodyBytes(),
                config.maxHeaderBytes(), config.headerTimeout(), config.bodyTimeout(), config.idleTimeout(),
                config.maxConnections(), config.maxConnectionsPerAddress(), config.drainTimeout());
    }

    public static Gateway start(GatewayConfig config) {
        return start(config, System.getenv());
    }

    /** @param variables values for {@code ${NAME}} placeholders of the catalog (the environment in production) */
    public static Gateway start(GatewayConfig config, Map<String, String> variables) {
        try {
            Gateway g = new Gateway(config, variables);
            g.control.start();
            g.heartbeat.start(config.heartbeatInterval());
            g.edge = HttpEdge.start(g.edgeSettings(), g.router, g.loops, g.config.transport(), g.metrics::edge);
            LOG.info("gateway {} listening on {}", config.gatewayId(), g.baseUrl());
            return g;
        } catch (IOException | io.netty.channel.ChannelException e) {
            throw new IllegalStateException("cannot start gateway on " + config.bindAddress() + ":" + config.port() + ": " + e.getMessage(), e);
        }
    }

    public String baseUrl() {
        return "http://" + config.bindAddress() + ":" + edge.port();
    }

    public boolean isReady() {
        return control.isReady();
    }

    public String gatewayId() {
        return config.gatewayId();
    }

    public ReleaseBook releases() {
        return releases;
    }

    public CommandApplier commands() {
        return applier;
    }

    /** Whether the drift sampler's models are loaded (until then no call is sampled: docs/drift.md). */
    public boolean driftSamplerWarm() {
        return sampler.warm();
    }

    public Policies policies() {
        return policies;
    }

    public EventEmitter events() {
        return events;
    }

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** Stops taking requests, lets in-flight ones finish (up to the drain timeout), then flushes events. */
    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("gateway {} draining (up to {})", config.gatewayId(), config.drainTimeout());
        if (edge != null) {
            edge.close();
        }
        sampler.close(); // emits what it still holds, before the event emitter closes
        heartbeat.close();
        control.close();
        events.close();
        upstreamHttp.close();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        retryTimer.shutdownNow();
        translatedCalls.shutdownNow();
        transports.close();
        audit.close();
    }

    public static void main(String[] args) {
        Path file = args.length > 0 ? Path.of(args[0]) : null;
        try {
            GatewayConfig config = GatewayConfig.load(file, System.getenv());
            LOG.info("starting with {}", config);
            Gateway g = start(config);
            Runtime.getRuntime().addShutdownHook(new Thread(g::close, "gateway-shutdown"));
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }
}
