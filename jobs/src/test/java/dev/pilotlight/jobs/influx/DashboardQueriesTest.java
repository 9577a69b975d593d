package dev.pilotlight.jobs.influx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Flux query of every provisioned dashboard refers only to measurements, fields and tags the
 * InfluxDB writer produces ({@link Measurements}; InfluxWriterPipelineIT proves the writer
 * produces exactly those), through the provisioned datasource and bucket.
 */
class DashboardQueriesTest {
    private static final Path MONITORING = Path.of("../monitoring/grafana");
    private static final Pattern MEASUREMENT = Pattern.compile("r\\._measurement\\s*==\\s*\"([^\"]+)\"");
    private static final Pattern FIELD = Pattern.compile("r\\._field\\s*==\\s*\"([^\"]+)\"");
    private static final Pattern RECORD_COLUMN = Pattern.compile("\\br\\.([a-z][a-z0-9_]*)");
    private static final Pattern COLUMN_LIST = Pattern.compile("(?:columns|rowKey)\\s*:\\s*\\[([^\\]]*)]");
    private static final Pattern TAG_VALUES = Pattern.compile("tag:\\s*\"([^\"]+)\"");
    private static final Pattern BUCKET = Pattern.compile("bucket:\\s*\"([^\"]+)\"");
    private static final Set<String> BUILT_IN = Set.of("_time", "_value", "_field", "_measurement", "_start", "_stop");

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void everyQueryOfEveryDashboardUsesWhatTheWriterProduces() throws IOException {
        JsonNode datasource = new ObjectMapper(new YAMLFactory())
                .readTree(MONITORING.resolve("provisioning/datasources/influxdb.yaml").toFile()).get("datasources").get(0);
        String uid = datasource.get("uid").asText();
        String bucket = datasource.get("jsonData").get("defaultBucket").asText();

        List<Path> dashboards;
        try (Stream<Path> files = Files.list(MONITORING.resolve("dashboards"))) {
            dashboards = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(dashboards).extracting(f -> f.getFileName().toString())
                .contains("overview.json", "releases.json", "cost.json", "quality.json", "security.json", "drift.json", "experiments.json",
                        "adoption.json");

        List<String> problems = new ArrayList<>();
        int queries = 0;
        for (Path file : dashboards) {
            JsonNode d = json.readTree(file.toFile());
            assertThat(d.path("panels").size()).as("panels of %s", file).isPositive();
            for (JsonNode panel : d.path("panels")) {
                String where = file.getFileName() + " panel '" + panel.path("title").asText() + "'";
                checkDatasource(panel.path("datasource"), uid, where, problems);
                assertThat(panel.path("targets").size()).as("queries of %s", where).isPositive();
                for (JsonNode target : panel.path("targets")) {
                    checkDatasource(target.path("datasource"), uid, where, problems);
                    problems.addAll(check(target.path("query").asText(), bucket, where));
                    queries++;
                }
            }
            for (JsonNode a : d.path("annotations").path("list")) {
                problems.addAll(check(a.path("target").path("query").asText(), bucket,
                        file.getFileName() + " annotation '" + a.path("name").asText() + "'"));
                queries++;
            }
            for (JsonNode v : d.path("templating").path("list")) {
                problems.addAll(check(v.path("query").asText(), bucket, file.getFileName() + " variable '" + v.path("name").asText() + "'"));
                queries++;
            }
        }
        assertThat(problems).as("%d queries checked", queries).isEmpty();
        assertThat(queries).isGreaterThan(30);
    }

    @Test
    void aQueryWithAnUnknownFieldTagOrMeasurementIsReported() {
        String bad = """
                from(bucket: "pilotlight")
                  |> filter(fn: (r) => r._measurement == "llm_release" and r._field == "error_ratio")
                  |> filter(fn: (r) => r.user_name == "x")
                  |> group(columns: ["tenant"])
                """;
        assertThat(check(bad, "pilotlight", "test")).hasSize(3)
                .anySatisfy(p -> assertThat(p).contains("field 'error_ratio'"))
                .anySatisfy(p -> assertThat(p).contains("column 'user_name'"))
                .anySatisfy(p -> assertThat(p).contains("column 'tenant'"));
        assertThat(check("from(bucket: \"pilotlight\") |> filter(fn: (r) => r._measurement == \"llm_nonsense\")", "pilotlight", "t"))
                .singleElement().asString().contains("measurement 'llm_nonsense'");
        assertThat(check("from(bucket: \"pilotlight\") |> range(start: -1h)", "pilotlight", "t"))
                .singleElement().asString().contains("names no measurement");
    }

    /** The problems of one query, each naming where it is and what is wrong. */
    static List<String> check(String query, String bucket, String where) {
        List<String> problems = new ArrayList<>();
        Set<String> measurements = all(MEASUREMENT, query);
        if (measurements.isEmpty()) {
            problems.add(where + ": names no measurement (r._measurement == \"...\")");
            return problems;
        }
        Set<String> fields = new HashSet<>();
        Set<String> tags = new HashSet<>();
        for (String m : measurements) {
            if (!Measurements.FIELDS.containsKey(m)) {
                problems.add(where + ": measurement '" + m + "' is not written (known: " + Measurements.FIELDS.keySet() + ")");
                continue;
            }
            fields.addAll(Measurements.FIELDS.get(m));
            tags.addAll(Measurements.TAGS.get(m));
        }
        for (String f : all(FIELD, query)) {
            if (!fields.contains(f)) {
                problems.add(where + ": field '" + f + "' is not written for " + measurements);
            }
        }
        Set<String> columns = new HashSet<>(all(RECORD_COLUMN, query));
        Matcher lists = COLUMN_LIST.matcher(query);
        while (lists.find()) {
            for (String c : lists.group(1).split(",")) {
                if (!c.isBlank()) {
                    columns.add(c.trim().replace("\"", ""));
                }
            }
        }
        all(TAG_VALUES, query).forEach(columns::add);
        for (String c : columns) {
            // after a pivot, fields are columns too
            if (!BUILT_IN.contains(c) && !tags.contains(c) && !fields.contains(c)) {
                problems.add(where + ": column '" + c + "' is neither a tag nor a field of " + measurements);
            }
        }
        for (String b : all(BUCKET, query)) {
            if (!b.equals(bucket)) {
                problems.add(where + ": bucket '" + b + "' is not the provisioned bucket '" + bucket + "'");
            }
        }
        return problems;
    }

    private static void checkDatasource(JsonNode ds, String uid, String where, List<String> problems) {
        if (!ds.isMissingNode() && !uid.equals(ds.path("uid").asText())) {
            problems.add(where + ": datasource '" + ds.path("uid").asText() + "' is not the provisioned '" + uid + "'");
        }
    }

    private static Set<String> all(Pattern p, String text) {
        Set<String> out = new HashSet<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
