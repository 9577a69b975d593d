package dev.pilotlight.common.control;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The schema of each command type's parameters, checked in three places with the same rules: when
 * a rule file is checked (the params a rule fixes), when the guard issues a command, and when a
 * gateway applies one. A command with a bad parameter is dead-lettered, never applied
 * (docs/architecture.md, "Command parameters").
 */
public final class CommandParams {

    /** What a parameter's text must be. */
    public enum Kind {
        /** a prompt version: 1.2.3, optionally -pre or +build */
        VERSION,
        /** a model alias or route name */
        NAME,
        /** a whole number within the parameter's bounds */
        WHOLE,
        /** a number from 0 to 1 */
        SHARE,
        /** true or false */
        BOOLEAN,
        /** a time in epoch milliseconds */
        EPOCH_MS,
        /** whom a user command covers: {@code user} (the default: the target is a user id), {@code tenant} or {@code route} */
        SCOPE
    }

    /** The values of a {@link Kind#SCOPE} parameter. */
    public static final List<String> SCOPES = List.of("user", "tenant", "route");

    /**
     * @param byIssuer filled in by the guard when it issues the command (a rule file must not set it)
     */
    public record Param(String name, Kind kind, boolean required, long min, long max, boolean byIssuer) {
        static Param required(String name, Kind kind) {
            return new Param(name, kind, true, 0, 0, false);
        }

        static Param optional(String name, Kind kind) {
            return new Param(name, kind, false, 0, 0, false);
        }

        static Param whole(String name, long min, long max) {
            return new Param(name, Kind.WHOLE, true, min, max, false);
        }

        Param issuer() {
            return new Param(name, kind, required, min, max, true);
        }
    }

    private static final Pattern VERSION = Pattern.compile("\\d{1,9}\\.\\d{1,9}\\.\\d{1,9}([-+][0-9A-Za-z.-]{1,40})?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");
    /** An effect may last at most this long (a year): a larger {@code until} is a mistake or an attack. */
    public static final long MAX_EFFECT_MS = 366L * 24 * 3600 * 1000;

    private static final Map<CommandType, List<Param>> SCHEMA = new EnumMap<>(CommandType.class);

    static {
        Param until = Param.optional("until", Kind.EPOCH_MS).issuer();
        // the release revision a decision was made on: a gateway whose release has moved on treats the command as stale
        Param revision = new Param("revision", Kind.WHOLE, false, 0, 1L << 53, true);
        SCHEMA.put(CommandType.ROLLBACK_PROMPT, List.of(Param.required("fromVersion", Kind.VERSION).issuer(),
                Param.optional("toVersion", Kind.VERSION).issuer(), revision, Param.optional("route", Kind.NAME).issuer(), until));
        SCHEMA.put(CommandType.PROMOTE_VARIANT, List.of(Param.required("version", Kind.VERSION), revision, until));
        SCHEMA.put(CommandType.SET_SPLIT, List.of(Param.required("split", Kind.SHARE), Param.optional("candidate", Kind.VERSION), revision, until));
        Param scope = Param.optional("scope", Kind.SCOPE);
        SCHEMA.put(CommandType.THROTTLE_USER, List.of(Param.whole("perMinute", 1, 1_000_000), scope, until));
        SCHEMA.put(CommandType.BLOCK_USER, List.of(scope, until));
        SCHEMA.put(CommandType.UNBLOCK_USER, List.of(scope, until));
        SCHEMA.put(CommandType.DEGRADE_USER, List.of(scope, until));
        SCHEMA.put(CommandType.ROUTE_MODEL, List.of(Param.required("model", Kind.NAME), until));
        SCHEMA.put(CommandType.PAUSE_ROUTE, List.of(Param.optional("paused", Kind.BOOLEAN), until));
    }

    private CommandParams() {}

    public static List<Param> of(CommandType type) {
        return SCHEMA.get(type);
    }

    /** Problems of a command's params as issued or received; empty when it may be applied. */
    public static List<String> problems(CommandType type, Map<String, String> params, long issuedAt) {
        return check(type, params == null ? Map.of() : params, issuedAt, false);
    }

    /** Problems of the params a rule file fixes for its action (the issuer's params are filled in later). */
    public static List<String> problemsInRule(CommandType type, Map<String, String> params) {
        return check(type, params == null ? Map.of() : params, 0, true);
    }

    private static List<String> check(CommandType type, Map<String, String> params, long issuedAt, boolean inRule) {
        List<String> out = new ArrayList<>();
        Map<String, Param> known = new LinkedHashMap<>();
        SCHEMA.get(type).forEach(p -> known.put(p.name(), p));
        for (Map.Entry<String, String> e : params.entrySet()) {
            Param p = known.get(e.getKey());
            if (p == null) {
                out.add(type + " has no param '" + e.getKey() + "' (allowed: " + String.join(", ", known.keySet()) + ")");
            } else if (inRule && p.byIssuer()) {
                out.add(type + " param '" + p.name() + "' is set by the guard when it issues the command, not by a rule");
            } else {
                String bad = invalid(p, e.getValue(), issuedAt);
                if (bad != null) {
                    out.add(type + " param '" + p.name() + "' " + bad);
                }
            }
        }
        for (Param p : known.values()) {
            if (p.required() && !params.containsKey(p.name()) && !(inRule && p.byIssuer())) {
                out.add(type + " needs param '" + p.name() + "'");
            }
        }
        return out;
    }

    /** Why {@code value} is not a valid {@code p}, or null. */
    private static String invalid(Param p, String value, long issuedAt) {
        if (value == null || value.isBlank()) {
            return "is empty";
        }
        return switch (p.kind()) {
            case VERSION -> VERSION.matcher(value).matches() ? null : "must be a version like 1.2.3, not '" + cut(value) + "'";
            case NAME -> NAME.matcher(value).matches() ? null : "must be a name of letters, digits and ._:/- (at most 128), not '" + cut(value) + "'";
            case BOOLEAN -> value.equals("true") || value.equals("false") ? null : "must be true or false, not '" + cut(value) + "'";
            case SHARE -> share(value);
            case WHOLE -> whole(value, p.min(), p.max());
            case EPOCH_MS -> until(value, issuedAt);
            case SCOPE -> SCOPES.contains(value) ? null : "must be one of " + String.join(", ", SCOPES) + ", not '" + cut(value) + "'";
        };
    }

    private static String share(String value) {
        try {
            double d = Double.parseDouble(value);
            return Double.isFinite(d) && d >= 0 && d <= 1 ? null : "must be between 0 and 1, not " + cut(value);
        } catch (NumberFormatException e) {
            return "must be a number between 0 and 1, not '" + cut(value) + "'";
        }
    }

    private static String whole(String value, long min, long max) {
        try {
            long v = Long.parseLong(value);
            return v >= min && v <= max ? null : "must be between " + min + " and " + max + ", not " + v;
        } catch (NumberFormatException e) {
            return "must be a whole number, not '" + cut(value) + "'";
        }
    }

    private static String until(String value, long issuedAt) {
        try {
            long v = Long.parseLong(value);
            if (v <= 0) {
                return "must be a time in epoch milliseconds, not " + v;
            }
            return issuedAt > 0 && v - issuedAt > MAX_EFFECT_MS ? "lies more than a year after the command was issued" : null;
        } catch (NumberFormatException e) {
            return "must be a time in epoch milliseconds, not '" + cut(value) + "'";
        }
    }

    private static String cut(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
