package dev.pilotlight.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pilotlight.common.DurationText;
import dev.pilotlight.common.config.ConfigPlaceholders;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The notifier's settings (docs/configuration.md, "Notifier"), read from YAML with
 * {@code ${ENV}} placeholders and validated at start-up: every problem is reported at once.
 *
 * @param startAtEarliest where a new consumer group starts: false (default) takes only new alerts, so a
 *                        new notifier does not replay a month of history into chat; firing ones are
 *                        still re-sent to Alertmanager (rebuilt from the topic)
 * @param digestAt the UTC time of day the tier-3 digest goes out
 * @param controlKey the guard's control key (PILOTLIGHT_CONTROL_KEY), to read only signed scorecards for the digest's
 *                   summary lines; null reads them unchecked and says so
 */
public record NotifierConfig(String bootstrap, String groupId, boolean startAtEarliest, Path stateDir, Duration retryInitial, Duration retryMax,
                             int queueCapacity, LocalTime digestAt, List<ReceiverConfig> receivers,
                             dev.pilotlight.notify.report.WeeklyDriftReports.Settings reports, String controlKey) {

    /** Without weekly reports. */
    public NotifierConfig(String bootstrap, String groupId, boolean startAtEarliest, Path stateDir, Duration retryInitial, Duration retryMax,
                          int queueCapacity, LocalTime digestAt, List<ReceiverConfig> receivers) {
        this(bootstrap, groupId, startAtEarliest, stateDir, retryInitial, retryMax, queueCapacity, digestAt, receivers, null, null);
    }

    private static final Set<String> TYPES = Set.of("alertmanager", "slack", "pagerduty", "webhook", "email");
    private static final Set<String> TOP_KEYS = Set.of("kafka", "state-dir", "retry", "queue-capacity", "digest", "receivers", "reports");
    private static final Set<String> RECEIVER_KEYS = Set.of("name", "type", "url", "secret", "routing-key", "tiers", "digest", "resend-every",
            "from", "to", "username");
    private static final java.util.regex.Pattern ADDRESS = java.util.regex.Pattern.compile("[^@\\s<>,]+@[^@\\s<>,]+\\.[^@\\s<>,]+");

    public static NotifierConfig load(Path file, Map<String, String> env) {
        List<String> errors = new ArrayList<>();
        String expanded = ConfigPlaceholders.read(file, env, "notifier config", errors);
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(expanded);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage().split("\n")[0], e);
        }
        NotifierConfig c = read(file.toString(), root == null ? new ObjectMapper().createObjectNode() : root, errors,
                env.get("PILOTLIGHT_CONTROL_KEY"));
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid notifier config:\n  " + String.join("\n  ", errors));
        }
        return c;
    }

    private static NotifierConfig read(String file, JsonNode root, List<String> errors, String controlKey) {
        unknownKeys(file, "", root, TOP_KEYS, errors);
        JsonNode kafka = root.path("kafka");
        unknownKeys(file, "kafka.", kafka, Set.of("bootstrap", "group-id", "start"), errors);
        String start = kafka.path("start").asText("latest");
        if (!start.equals("latest") && !start.equals("earliest")) {
            errors.add(file + ": kafka.start must be latest or earliest (for a consumer group without committed offsets)");
        }
        unknownKeys(file, "retry.", root.path("retry"), Set.of("initial", "max"), errors);
        unknownKeys(file, "digest.", root.path("digest"), Set.of("at"), errors);
        String bootstrap = kafka.path("bootstrap").asText("127.0.0.1:9092");
        String groupId = kafka.path("group-id").asText("pilotlight-notifier");
        Path stateDir = Path.of(root.path("state-dir").asText("notifier-state"));
        Duration retryInitial = duration(file, "retry.initial", root.path("retry").path("initial").asText("1s"), errors);
        Duration retryMax = duration(file, "retry.max", root.path("retry").path("max").asText("5m"), errors);
        int capacity = root.path("queue-capacity").asInt(10_000);
        if (capacity < 1) {
            errors.add(file + ": queue-capacity must be at least 1");
        }
        LocalTime digestAt = LocalTime.of(8, 0);
        try {
            digestAt = LocalTime.parse(root.path("digest").path("at").asText("08:00"));
        } catch (DateTimeParseException e) {
            errors.add(file + ": digest.at must be a time of day like 08:00 (UTC)");
        }
        List<ReceiverConfig> receivers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        JsonNode list = root.path("receivers");
        if (!list.isArray() || list.isEmpty()) {
            errors.add(file + ": receivers must list at least one receiver");
        } else {
            for (int i = 0; i < list.size(); i++) {
                ReceiverConfig r = receiver(file, "receivers[" + i + "]", list.get(i), errors);
                if (r != null && !names.add(r.name())) {
                    errors.add(file + ": receivers[" + i + "]: duplicate receiver name '" + r.name() + "'");
                } else if (r != null) {
                    receivers.add(r);
                }
            }
        }
        return new NotifierConfig(bootstrap, groupId, start.equals("earliest"), stateDir, retryInitial, retryMax, capacity, digestAt,
                List.copyOf(receivers), reports(file, root.path("reports"), errors), controlKey);
    }

    /** {@code reports: {dir: reports, drift: {routes: [claims-letter], weekday: monday, at: "07:00"}}}; absent: no reports. */
    private static dev.pilotlight.notify.report.WeeklyDriftReports.Settings reports(String file, JsonNode r, List<String> errors) {
        if (r.isMissingNode()) {
            return null;
        }
        unknownKeys(file, "reports.", r, Set.of("dir", "drift"), errors);
        JsonNode d = r.path("drift");
        unknownKeys(file, "reports.drift.", d, Set.of("routes", "weekday", "at"), errors);
        List<String> routes = new ArrayList<>();
        d.path("routes").forEach(x -> routes.add(x.asText()));
        if (routes.isEmpty()) {
            errors.add(file + ": reports.drift.routes must list at least one route");
        }
        java.time.DayOfWeek day = java.time.DayOfWeek.MONDAY;
        try {
            day = java.time.DayOfWeek.valueOf(d.path("weekday").asText("monday").toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            errors.add(file + ": reports.drift.weekday must be a day of the week like monday");
        }
        LocalTime at = LocalTime.of(7, 0);
        try {
            at = LocalTime.parse(d.path("at").asText("07:00"));
        } catch (DateTimeParseException e) {
            errors.add(file + ": reports.drift.at must be a time of day like 07:00 (UTC)");
        }
        return new dev.pilotlight.notify.report.WeeklyDriftReports.Settings(Path.of(r.path("dir").asText("pilotlight-reports")), List.copyOf(routes), day, at);
    }

    private static ReceiverConfig receiver(String file, String at, JsonNode n, List<String> errors) {
        int before = errors.size();
        unknownKeys(file, at + ".", n, RECEIVER_KEYS, errors);
        String name = n.path("name").asText("");
        String type = n.path("type").asText("");
        if (name.isBlank()) {
            errors.add(file + ": " + at + ".name is required");
        }
        if (!TYPES.contains(type)) {
            errors.add(file + ": " + at + ".type '" + type + "' must be one of alertmanager, pagerduty, slack, webhook, email");
        }
        URI url = null;
        String urlText = n.path("url").asText("");
        try {
            url = URI.create(urlText);
            boolean mail = "email".equals(type);
            if (mail && (!List.of("smtp", "smtps").contains(String.valueOf(url.getScheme())) || url.getHost() == null)) {
                errors.add(file + ": " + at + ".url must be the mail server as smtp://host:port (or smtps://host:port)");
            } else if (!mail && !"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
                errors.add(file + ": " + at + ".url must be an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            errors.add(file + ": " + at + ".url is not a URL");
        }
        String secret = n.has("routing-key") ? n.path("routing-key").asText() : n.path("secret").asText(null);
        if ("pagerduty".equals(type) && (secret == null || secret.isBlank())) {
            errors.add(file + ": " + at + ".routing-key is required for PagerDuty (use ${PAGERDUTY_ROUTING_KEY})");
        }
        Set<Integer> tiers = new LinkedHashSet<>();
        for (JsonNode t : n.path("tiers")) {
            if (!t.isInt() || t.asInt() < 1 || t.asInt() > 3) {
                errors.add(file + ": " + at + ".tiers must hold 1, 2 or 3");
            } else {
                tiers.add(t.asInt());
            }
        }
        boolean digest = n.path("digest").asBoolean(false);
        if (digest && ("pagerduty".equals(type) || "alertmanager".equals(type))) {
            errors.add(file + ": " + at + ".digest is for slack, webhook and email receivers (Alertmanager groups by its own group_interval)");
        }
        ReceiverConfig.Mail mail = "email".equals(type) ? mail(file, at, n, errors) : null;
        for (String k : List.of("from", "to", "username")) {
            if (mail == null && n.has(k)) {
                errors.add(file + ": " + at + "." + k + " is for email receivers");
            }
        }
        if (tiers.isEmpty() && !digest) {
            errors.add(file + ": " + at + " receives nothing: set tiers and/or digest: true");
        }
        Duration resend = duration(file, at + ".resend-every", n.path("resend-every").asText("1m"), errors);
        return errors.size() > before ? null : new ReceiverConfig(name, type, url, secret, Set.copyOf(tiers), digest, resend, mail);
    }

    /** An e-mail receiver's {@code from}, {@code to} (one address or a list) and optional {@code username}. */
    private static ReceiverConfig.Mail mail(String file, String at, JsonNode n, List<String> errors) {
        String from = n.path("from").asText("");
        if (!ADDRESS.matcher(from).matches()) {
            errors.add(file + ": " + at + ".from must be an e-mail address, not '" + from + "'");
        }
        List<String> to = new ArrayList<>();
        JsonNode t = n.path("to");
        for (JsonNode a : t.isArray() ? t : List.of(t)) {
            if (!a.isMissingNode()) {
                to.add(a.asText());
            }
        }
        if (to.isEmpty()) {
            errors.add(file + ": " + at + ".to must name at least one e-mail address");
        }
        for (String a : to) {
            if (!ADDRESS.matcher(a).matches()) {
                errors.add(file + ": " + at + ".to: '" + a + "' is not an e-mail address");
            }
        }
        String user = n.path("username").asText(null);
        return new ReceiverConfig.Mail(from, List.copyOf(to), user);
    }

    private static void unknownKeys(String file, String prefix, JsonNode n, Set<String> allowed, List<String> errors) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                errors.add(file + ": unknown key '" + prefix + k + "' (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static Duration duration(String file, String key, String text, List<String> errors) {
        try {
            return DurationText.parse(text);
        } catch (IllegalArgumentException e) {
            errors.add(file + ": " + key + " " + e.getMessage());
            return Duration.ofSeconds(1);
        }
    }
}
