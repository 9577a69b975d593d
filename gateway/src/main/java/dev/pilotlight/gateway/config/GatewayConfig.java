package dev.pilotlight.gateway.config;

import dev.pilotlight.common.DurationText;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * Every gateway setting, typed and validated at start-up (docs/configuration.md lists them).
 * Sources, later ones winning: built-in defaults, a properties file, environment variables
 * ({@code pilotlight.kafka.bootstrap} is {@code PILOTLIGHT_KAFKA_BOOTSTRAP}). Secrets are never
 * printed: {@link #toString()} masks them.
 */
public record GatewayConfig(
        String gatewayId,
        String bindAddress,
        int port,
        int httpThreads,
        int inlineBodyBytes,
        dev.pilotlight.gateway.http.NettyTransport transport,
        int maxBodyBytes,
        int maxHeaderBytes,
        Duration headerTimeout,
        Duration bodyTimeout,
        Duration idleTimeout,
        int maxConnections,
        int maxConnectionsPerAddress,
        Duration drainTimeout,
        Duration requestTimeout,
        String kafkaBootstrap,
        Path promptsDir,
        Path apiKeysFile,
        Path catalogFile,
        Path auditFile,
        String controlKey,
        Duration controlReplay,
        Duration heartbeatInterval,
        int eventQueueCapacity,
        Path spoolDir,
        long spoolMaxBytes,
        Duration deliveryTimeout,
        int userPerMinute,
        int ipPerMinute,
        double userDailyUsd,
        dev.pilotlight.gateway.invoke.InvocationIds.Scope feedbackScope,
        int feedbackContextCalls) {

    public static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("pilotlight.gateway.id", ""),
            Map.entry("pilotlight.gateway.bind", "127.0.0.1"),
            Map.entry("pilotlight.gateway.port", "8080"),
            Map.entry("pilotlight.gateway.http-threads", "1024"),
            Map.entry("pilotlight.gateway.inline-body-bytes", "32768"),
            Map.entry("pilotlight.gateway.transport", "auto"),
            Map.entry("pilotlight.gateway.max-body-bytes", "1048576"),
            Map.entry("pilotlight.gateway.max-header-bytes", "16384"),
            Map.entry("pilotlight.gateway.header-timeout", "10s"),
            Map.entry("pilotlight.gateway.body-timeout", "30s"),
            Map.entry("pilotlight.gateway.idle-timeout", "60s"),
            Map.entry("pilotlight.gateway.max-connections", "10000"),
            Map.entry("pilotlight.gateway.max-connections-per-address", "256"),
            Map.entry("pilotlight.gateway.drain-timeout", "10s"),
            Map.entry("pilotlight.gateway.request-timeout", "10m"),
            Map.entry("pilotlight.kafka.bootstrap", "127.0.0.1:9092"),
            Map.entry("pilotlight.prompts.dir", "prompts"),
            Map.entry("pilotlight.api-keys.file", "config/api-keys.yaml"),
            Map.entry("pilotlight.catalog.file", "config/catalog.yaml"),
            Map.entry("pilotlight.audit.file", "audit/gateway-audit.log"),
            Map.entry("pilotlight.control.key", ""),
            Map.entry("pilotlight.control.replay", "10m"),
            Map.entry("pilotlight.heartbeat.interval", "5s"),
            Map.entry("pilotlight.events.queue-capacity", "10000"),
            Map.entry("pilotlight.events.spool-dir", "spool"),
            Map.entry("pilotlight.events.spool-max-mb", "256"),
            Map.entry("pilotlight.events.delivery-timeout", "30s"),
            Map.entry("pilotlight.limits.user-per-minute", "120"),
            Map.entry("pilotlight.limits.ip-per-minute", "600"),
            Map.entry("pilotlight.limits.user-daily-usd", "10"),
            Map.entry("pilotlight.feedback.scope", "user"),
            Map.entry("pilotlight.feedback.context-calls", "200000"));



    /** Defaults, then the file (if any), then the environment. */
    public static GatewayConfig load(Path file, Map<String, String> env) {
        Map<String, String> values = new HashMap<>(DEFAULTS);
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new ConfigException(List.of("cannot read config file " + file + ": " + e.getMessage()));
            }
            p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k)));
        }
        for (String key : DEFAULTS.keySet()) {
            String envName = key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
            if (env.containsKey(envName)) {
                values.put(key, env.get(envName));
            }
        }
        return from(values);
    }

    public static GatewayConfig from(Map<String, String> raw) {
        Map<String, String> v = new HashMap<>(DEFAULTS);
        v.putAll(raw);
        Parser p = new Parser(v);
        for (String key : raw.keySet()) {
            if (key.startsWith("pilotlight.") && !DEFAULTS.containsKey(key)) {
                p.errors.add("unknown setting " + key);
            }
        }
        String id = v.get("pilotlight.gateway.id");
        GatewayConfig c = new GatewayConfig(
                id == null || id.isBlank() ? "gw-" + UUID.randomUUID().toString().substring(0, 8) : id,
                p.text("pilotlight.gateway.bind"),
                p.integer("pilotlight.gateway.port", 0, 65535),
                p.integer("pilotlight.gateway.http-threads", 1, 4096),
                p.integer("pilotlight.gateway.inline-body-bytes", 0, 64 * 1024 * 1024),
                p.transport("pilotlight.gateway.transport"),
                p.integer("pilotlight.gateway.max-body-bytes", 1024, 64 * 1024 * 1024),
                p.integer("pilotlight.gateway.max-header-bytes", 1024, 1024 * 1024),
                p.duration("pilotlight.gateway.header-timeout"),
                p.duration("pilotlight.gateway.body-timeout"),
                p.duration("pilotlight.gateway.idle-timeout"),
                p.integer("pilotlight.gateway.max-connections", 1, 1_000_000),
                p.integer("pilotlight.gateway.max-connections-per-address", 1, 1_000_000),
                p.duration("pilotlight.gateway.drain-timeout"),
                p.duration("pilotlight.gateway.request-timeout"),
                p.text("pilotlight.kafka.bootstrap"),
                Path.of(p.text("pilotlight.prompts.dir")),
                Path.of(p.text("pilotlight.api-keys.file")),
                Path.of(p.text("pilotlight.catalog.file")),
                Path.of(p.text("pilotlight.audit.file")),
                p.secret("pilotlight.control.key", 32),
                p.duration("pilotlight.control.replay"),
                p.duration("pilotlight.heartbeat.interval"),
                p.integer("pilotlight.events.queue-capacity", 1, 10_000_000),
                Path.of(p.text("pilotlight.events.spool-dir")),
                p.integer("pilotlight.events.spool-max-mb", 1, 1_000_000) * 1024L * 1024L,
                p.duration("pilotlight.events.delivery-timeout"),
                p.integer("pilotlight.limits.user-per-minute", 1, 1_000_000),
                p.integer("pilotlight.limits.ip-per-minute", 1, 10_000_000),
                p.decimal("pilotlight.limits.user-daily-usd", 0, 1_000_000),
                p.feedbackScope("pilotlight.feedback.scope"),
                p.integer("pilotlight.feedback.context-calls", 1_000, 10_000_000));
        if (!p.errors.isEmpty()) {
            throw new ConfigException(p.errors);
        }
        return c;
    }

    @Override
    public String toString() {
        return "GatewayConfig[id=" + gatewayId + ", bind=" + bindAddress + ":" + port + " (" + transport + "), kafka=" + kafkaBootstrap
                + ", prompts=" + promptsDir + ", apiKeys=" + apiKeysFile + ", catalog=" + catalogFile
                + ", controlKey=<hidden>]";
    }

    /** Parses values, collecting every error instead of stopping at the first. */
    private static final class Parser {
        final Map<String, String> v;
        final List<String> errors = new ArrayList<>();

        Parser(Map<String, String> v) {
            this.v = v;
        }

        String text(String key) {
            String s = v.get(key);
            if (s == null || s.isBlank()) {
                errors.add(key + " must not be empty");
                return "";
            }
            return s.trim();
        }

        int integer(String key, int min, int max) {
            return (int) number(key, min, max, "a whole number", Integer::parseInt);
        }

        double decimal(String key, double min, double max) {
            return number(key, min, max, "a number", Double::parseDouble);
        }

        private double number(String key, double min, double max, String what, java.util.function.ToDoubleFunction<String> parse) {
            String s = text(key);
            try {
                double d = parse.applyAsDouble(s);
                if (d < min || d > max) {
                    errors.add(key + "=" + s + " must be between " + fmt(min) + " and " + fmt(max));
                }
                return d;
            } catch (NumberFormatException e) {
                errors.add(key + "=" + s + " is not " + what);
                return min;
            }
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
        }

        Duration duration(String key) {
            String s = text(key);
            try {
                return DurationText.parse(s);
            } catch (IllegalArgumentException e) {
                errors.add(key + ": " + e.getMessage());
                return Duration.ofSeconds(1);
            }
        }

        dev.pilotlight.gateway.http.NettyTransport transport(String key) {
            String s = text(key);
            try {
                return dev.pilotlight.gateway.http.NettyTransport.choose(s);
            } catch (IllegalArgumentException e) {
                errors.add(key + "=" + s + ": " + e.getMessage());
                return dev.pilotlight.gateway.http.NettyTransport.NIO;
            }
        }

        dev.pilotlight.gateway.invoke.InvocationIds.Scope feedbackScope(String key) {
            String s = text(key);
            try {
                return dev.pilotlight.gateway.invoke.InvocationIds.Scope.valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(key + "=" + s + " must be user or tenant");
                return dev.pilotlight.gateway.invoke.InvocationIds.Scope.USER;
            }
        }

        String secret(String key, int minBytes) {
            String s = v.get(key);
            if (s == null || s.isBlank()) {
                errors.add(key + " is required (a shared secret of at least " + minBytes + " bytes)");
                return "";
            }
            if (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < minBytes) {
                errors.add(key + " is too short: at least " + minBytes + " bytes");
            }
            return s;
        }
    }
}
