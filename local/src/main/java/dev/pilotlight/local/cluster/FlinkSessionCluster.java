package dev.pilotlight.local.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.Deadline;
import dev.pilotlight.testkit.LoopbackPorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A standalone Flink session cluster on loopback: a JobManager and a TaskManager, each its own JVM
 * started from Flink's own entry points with only a distribution's lib/ on the class path
 * (flink-cluster/target/lib), and jobs submitted through Flink's CLI front end ({@code flink run}),
 * exactly as on a user's cluster. Proves the shaded jar carries everything Flink does not.
 */
public final class FlinkSessionCluster implements AutoCloseable {
    private static final List<String> JVM_OPENS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED", "--add-opens=java.sql/java.sql=ALL-UNNAMED");
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");

    private final Path lib;
    private final Path conf;
    private final Path log;
    private final int restPort;
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    private FlinkSessionCluster(Path lib, Path work, int restPort) {
        this.lib = lib;
        this.conf = work.resolve("conf");
        this.log = work.resolve("log");
        this.restPort = restPort;
    }

    /**
     * Starts a JobManager and a TaskManager with {@code slots} slots and waits until the
     * TaskManager has registered. {@code work} receives conf/, log/ and the checkpoints.
     */
    public static FlinkSessionCluster start(Path lib, Path work, int slots) throws IOException, InterruptedException {
        if (!hasFlinkRuntime(lib)) {
            throw new IOException(lib + " holds no Flink runtime; build it with ./mvnw package -pl flink-cluster");
        }
        FlinkSessionCluster c = new FlinkSessionCluster(lib, work, LoopbackPorts.free());
        Files.createDirectories(c.conf);
        Files.createDirectories(c.log);
        Files.writeString(c.conf.resolve("config.yaml"), """
                jobmanager.rpc.address: 127.0.0.1
                jobmanager.rpc.port: %d
                jobmanager.bind-host: 127.0.0.1
                jobmanager.memory.process.size: 768m
                taskmanager.host: 127.0.0.1
                taskmanager.bind-host: 127.0.0.1
                taskmanager.numberOfTaskSlots: %d
                taskmanager.memory.process.size: 1536m
                parallelism.default: 1
                rest.address: 127.0.0.1
                rest.bind-address: 127.0.0.1
                rest.port: %d
                blob.server.port: %d
                taskmanager.rpc.port: %d
                state.backend.type: rocksdb
                execution.checkpointing.dir: %s
                """.formatted(LoopbackPorts.free(), slots, c.restPort, LoopbackPorts.free(), LoopbackPorts.free(),
                work.resolve("checkpoints").toUri()));
        Files.writeString(c.conf.resolve("log4j.properties"), """
                rootLogger.level = INFO
                rootLogger.appenderRef.file.ref = File
                appender.file.type = File
                appender.file.name = File
                appender.file.fileName = ${sys:log.file}
                appender.file.layout.type = PatternLayout
                appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5level %logger{1} - %msg%n
                """);
        c.processes.add(c.java("jobmanager", "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                List.of("-Xmx512m"), Map.of(), "--configDir", c.conf.toString()));
        // what taskmanager.sh asks BashJavaUtils for: JVM memory flags and the derived resource settings
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(
                GlobalConfiguration.loadConfiguration(c.conf.toString()));
        List<String> tmArgs = new ArrayList<>(List.of("--configDir", c.conf.toString()));
        tmArgs.addAll(List.of(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec).trim().split("\\s+")));
        c.processes.add(c.java("taskmanager", "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                List.of(ProcessMemoryUtils.generateJvmParametersStr(spec).trim().split("\\s+")), Map.of(),
                tmArgs.toArray(String[]::new)));
        boolean up = Deadline.in(Duration.ofSeconds(90)).await(() -> c.overview()
                .map(o -> o.path("taskmanagers").asInt() >= 1 && o.path("slots-total").asInt() >= slots).orElse(false)
                || c.processes.stream().anyMatch(p -> !p.isAlive()));
        if (!up || c.processes.stream().anyMatch(p -> !p.isAlive())) {
            c.close();
            throw new IOException("the Flink session cluster did not come up; logs in " + c.log + "\n" + c.logTails());
        }
        return c;
    }

    public URI restUrl() {
        return URI.create("http://127.0.0.1:" + restPort);
    }

    public Path logDir() {
        return log;
    }

    /**
     * {@code flink run -d [-c mainClass] jar args}: builds the job graph in a client JVM with only
     * Flink's lib/ and the jar on its class path, submits it over REST and returns the job id.
     * {@code env} carries the job's secrets (signing key, tokens), never the command line.
     */
    public String submit(Path jar, String mainClass, List<String> args, Map<String, String> env) throws IOException, InterruptedException {
        return submit(jar, mainClass, args, env, List.of());
    }

    /**
     * {@code flink run -d -s savepoint --allowNonRestoredState ...}: an upgrade that restores a savepoint,
     * dropping the state of operators the new graph no longer has.
     */
    public String submitFromSavepoint(Path jar, List<String> args, Map<String, String> env, String savepoint)
            throws IOException, InterruptedException {
        return submit(jar, null, args, env, List.of("--fromSavepoint", savepoint, "--allowNonRestoredState"));
    }

    /** {@code flink stop --savepointPath dir job}: a savepoint, then the job ends; returns the savepoint's path. */
    public String stopWithSavepoint(String jobId, Path dir) throws IOException, InterruptedException {
        String out = cli("stop", "--savepointPath", dir.toUri().toString(), jobId);
        Matcher m = Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(out);
        if (!m.find()) {
            throw new IOException("flink stop printed no savepoint path:\n" + out);
        }
        return m.group(1);
    }

    private String submit(Path jar, String mainClass, List<String> args, Map<String, String> env, List<String> restore)
            throws IOException, InterruptedException {
        List<String> cli = new ArrayList<>(List.of("run", "--detached"));
        cli.addAll(restore);
        if (mainClass != null) {
            cli.add("--class");
            cli.add(mainClass);
        }
        cli.add(jar.toString());
        cli.addAll(args);
        String out = cli(env, cli.toArray(String[]::new));
        Matcher m = JOB_ID.matcher(out);
        if (!m.find()) {
            throw new IOException("flink run printed no job id:\n" + out);
        }
        return m.group(1);
    }

    private String cli(String... args) throws IOException, InterruptedException {
        return cli(Map.of(), args);
    }

    /** Runs Flink's CLI front end to its end; its output, or an exception with it when it failed. */
    private String cli(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Process p = java("client", "org.apache.flink.client.cli.CliFrontend", List.of("-Xmx512m"), env, args);
        if (!p.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("flink " + args[0] + " did not finish in 3 minutes");
        }
        String out = Files.readString(log.resolve("client.out"));
        if (p.exitValue() != 0) {
            throw new IOException("flink " + args[0] + " failed (exit " + p.exitValue() + "):\n" + out);
        }
        return out;
    }

    /** The job's state as the JobManager's REST API reports it (RUNNING, FAILED, ...). */
    public String jobState(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    private Optional<JsonNode> overview() {
        try {
            return Optional.of(get("/overview"));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(restUrl().resolve(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + " answered " + r.statusCode());
        }
        return JsonCodec.mapper().readTree(r.body());
    }

    private Process java(String name, String mainClass, List<String> jvmOptions, Map<String, String> env, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_OPENS);
        cmd.addAll(jvmOptions);
        cmd.add("-Dlog.file=" + log.resolve(name + ".log"));
        cmd.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri());
        cmd.add("-cp");
        cmd.add(lib.resolve("*").toString());
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.resolve(name + ".out").toFile());
        pb.environment().put("FLINK_CONF_DIR", conf.toString());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** The last lines of every process's output and log, for a failure message. */
    public String logTails() {
        StringBuilder b = new StringBuilder();
        try (var files = Files.list(log)) {
            for (Path f : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                b.append("--- ").append(f.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> b.append(l).append('\n'));
            }
        } catch (IOException e) {
            b.append("(logs unreadable: ").append(e.getMessage()).append(")");
        }
        return b.toString();
    }

    private static boolean hasFlinkRuntime(Path lib) throws IOException {
        if (!Files.isDirectory(lib)) {
            return false;
        }
        try (var files = Files.list(lib)) {
            return files.anyMatch(f -> f.getFileName().toString().matches("flink-runtime-[0-9.]+\\.jar"));
        }
    }

    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) { // TaskManager first
            processes.get(i).destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
