package dev.pilotlight.common.usage;

import dev.pilotlight.common.config.YamlNodes;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the {@code rosters:} list of a rule file (docs/usage.md, "Rosters"); every problem goes to
 * {@code problem} with its node (so with its line), and a roster with a problem is left out. One roster
 * per route across all files.
 */
public final class RosterReader {
    private static final Set<String> KEYS = Set.of("route", "description", "invited", "users");
    private static final Pattern NAME = YamlNodes.NAME;
    static final int MAX_USERS = 100_000;

    private final String file;
    private final BiConsumer<Node, String> problem;
    private final List<Roster> rosters;
    private int problems;

    public RosterReader(String file, BiConsumer<Node, String> problem, List<Roster> rosters) {
        this.file = file;
        this.problem = (n, reason) -> {
            problems++;
            problem.accept(n, reason);
        };
        this.rosters = rosters;
    }

    /** @param list the value of the {@code rosters:} key */
    public void read(Node list) {
        if (!(list instanceof SequenceNode seq)) {
            problem.accept(list, "'rosters' must be a list of rosters");
            return;
        }
        for (Node item : seq.getValue()) {
            if (item instanceof MappingNode m) {
                Roster r = one(m);
                if (r != null) {
                    rosters.add(r);
                }
            } else {
                problem.accept(item, "each roster must be a mapping");
            }
        }
    }

    private Roster one(MappingNode m) {
        int before = problems;
        Map<String, Node> f = YamlNodes.fields(m, KEYS, "roster", problem);
        String route = YamlNodes.scalar(f.get("route"));
        if (route == null || !NAME.matcher(route).matches()) {
            problem.accept(f.getOrDefault("route", m), "a roster needs the route its users are meant to use");
        } else if (rosters.stream().anyMatch(r -> r.route().equals(route))) {
            problem.accept(f.get("route"), "route '" + route + "' already has a roster ("
                    + rosters.stream().filter(r -> r.route().equals(route)).findFirst().orElseThrow().source() + ")");
        }
        Long invited = null;
        if (f.containsKey("invited")) {
            String text = YamlNodes.scalar(f.get("invited"));
            try {
                invited = text != null && text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()
                        : Instant.parse(String.valueOf(text)).toEpochMilli();
            } catch (DateTimeParseException e) {
                problem.accept(f.get("invited"), "invited must be a date (2026-11-02) or an instant (2026-11-02T09:00:00Z), not '" + text + "'");
            }
        }
        Set<String> users = users(f.get("users"), m);
        return problems == before && users != null ? new Roster(route, Set.copyOf(users), invited, file + ":" + YamlNodes.line(m)) : null;
    }

    private Set<String> users(Node n, MappingNode m) {
        if (!(n instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            problem.accept(n == null ? m : n, "a roster needs 'users': a non-empty list of user ids");
            return null;
        }
        if (seq.getValue().size() > MAX_USERS) {
            problem.accept(n, "a roster lists at most " + MAX_USERS + " users");
            return null;
        }
        Set<String> users = new LinkedHashSet<>();
        boolean ok = true;
        for (Node u : seq.getValue()) {
            String id = YamlNodes.scalar(u);
            if (id == null || !NAME.matcher(id).matches()) {
                problem.accept(u, "'" + id + "' is not a user id (letters, digits and . _ : @ / -, up to 128)");
                ok = false;
            } else if (!users.add(id)) {
                problem.accept(u, "user '" + id + "' is listed twice");
                ok = false;
            }
        }
        return ok ? users : null;
    }
}
