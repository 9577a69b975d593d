package dev.pilotlight.gateway.http;

import dev.pilotlight.gateway.auth.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every endpoint of the gateway and the one role that may call it: the access matrix, written
 * once here and enforced once in {@link Router}. A key needs exactly that role (an admin key is
 * not a user key unless it also holds the user role); {@code null} means public (health only).
 */
public enum Endpoint {
    HEALTHZ("GET", "/healthz", null),
    READYZ("GET", "/readyz", null),
    METRICS("GET", "/metrics", Role.SERVICE),
    INVOKE_ROUTE("POST", "/v1/routes/{route}/invoke", Role.USER),
    CHAT_COMPLETIONS("POST", "/v1/chat/completions", Role.USER),
    EMBEDDINGS("POST", "/v1/embeddings", Role.USER),
    MODELS("GET", "/v1/models", Role.USER),
    FEEDBACK("POST", "/v1/feedback", Role.USER),
    ADMIN_RELEASES("GET", "/admin/releases", Role.ADMIN),
    ADMIN_RELEASE("POST", "/admin/releases/{route}", Role.ADMIN),
    ADMIN_ROLLBACK("POST", "/admin/releases/{route}/rollback", Role.ADMIN),
    ADMIN_PROMOTE("POST", "/admin/releases/{route}/promote", Role.ADMIN),
    ADMIN_PROMPTS("GET", "/admin/prompts/{route}", Role.ADMIN),
    ADMIN_CONTROL("GET", "/admin/control", Role.ADMIN),
    ADMIN_EXPERIMENTS("GET", "/admin/experiments", Role.ADMIN),
    ADMIN_SCORECARDS("GET", "/admin/scorecards", Role.ADMIN),
    ADMIN_REVIEWS("GET", "/admin/reviews", Role.ADMIN),
    ADMIN_REVIEW_CLOSE("POST", "/admin/reviews/{id}/close", Role.ADMIN);

    private final String method;
    private final String template;
    private final Role role;
    private final Pattern pattern;
    /** The template up to its first parameter: a path that does not start with it is not this endpoint. */
    private final String prefix;
    private final List<String> names = new ArrayList<>();

    Endpoint(String method, String template, Role role) {
        this.method = method;
        this.template = template;
        this.role = role;
        Matcher m = Pattern.compile("\\{(\\w+)}").matcher(template);
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        this.pattern = Pattern.compile(regex.toString());
        this.prefix = template.indexOf('{') < 0 ? template : template.substring(0, template.indexOf('{'));
    }

    public String method() {
        return method;
    }

    public String template() {
        return template;
    }

    /** The role a key must hold; null for the public health endpoints. */
    public Role role() {
        return role;
    }

    public boolean isPublic() {
        return role == null;
    }

    /** The raw (still percent-encoded) values of the template's parameters, or null when the path is not this one. */
    List<String> match(String rawPath) {
        // every request is matched against every endpoint: string comparisons first, the expression only for a likely match
        if (names.isEmpty()) {
            return template.equals(rawPath) ? List.of() : null;
        }
        if (!rawPath.startsWith(prefix)) {
            return null;
        }
        Matcher m = pattern.matcher(rawPath);
        if (!m.matches()) {
            return null;
        }
        List<String> values = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            values.add(m.group(i + 1));
        }
        return values;
    }

    List<String> parameterNames() {
        return names;
    }

    /** A label for metrics: method and template, never a raw path. */
    public String label() {
        return method + " " + template;
    }
}
