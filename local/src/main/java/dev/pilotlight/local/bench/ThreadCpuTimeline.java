package dev.pilotlight.local.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU used by a process's threads, per slice of a run, from {@code /proc/<pid>/task} (Linux only).
 * It sees native threads too (RocksDB compaction, GC, JIT), which {@code ThreadMXBean} does not; threads
 * are grouped by name with digits removed, so "rocksdb:low0" and "rocksdb:low1" count together.
 */
public final class ThreadCpuTimeline implements AutoCloseable {
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private final Path tasks;
    private final long sliceMs;
    private final long startMs;
    /** A thread's CPU so far at the last sample: user plus system, and system alone (ticks). */
    private record Reading(long ticks, long system) {}

    private final Map<String, Reading> last = new HashMap<>(); // by thread id
    private long systemTicks; // in the kernel (system calls: sockets, futexes), all threads, all slices
    private final TreeMap<Long, Map<String, Long>> slices = new TreeMap<>();
    private final Map<Long, Long> sampledNanos = new HashMap<>(); // per slice: the time its deltas cover
    private long lastSampleNanos;
    private final Thread sampler;
    private volatile boolean stop;

    private ThreadCpuTimeline(Path tasks, long startMs, long sliceMs) {
        this.tasks = tasks;
        this.startMs = startMs;
        this.sliceMs = sliceMs;
        this.sampler = new Thread(this::run, "bench-cpu-timeline");
        this.sampler.setDaemon(true);
    }

    /** Starts sampling this process once a second; null where /proc is not there. */
    static ThreadCpuTimeline start(long startMs, long sliceMs) {
        return start("self", startMs, sliceMs);
    }

    /** One slice from now until {@link #close}: the CPU of a whole phase of a run. */
    public static ThreadCpuTimeline overall(String pid) {
        return start(pid, System.currentTimeMillis(), Long.MAX_VALUE);
    }

    /** Starts sampling process {@code pid} (a number or "self") once a second; null where /proc is not there. */
    static ThreadCpuTimeline start(String pid, long startMs, long sliceMs) {
        Path tasks = Path.of("/proc", pid, "task");
        if (!Files.isDirectory(tasks)) {
            return null;
        }
        ThreadCpuTimeline t = new ThreadCpuTimeline(tasks, startMs, sliceMs);
        t.sample();
        t.sampler.start();
        return t;
    }

    private void run() {
        while (!stop) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000_000L);
            sample();
        }
    }

    private synchronized void sample() {
        long slice = (System.currentTimeMillis() - startMs) / sliceMs * sliceMs / 1000;
        Map<String, Long> used = slices.computeIfAbsent(slice, s -> new HashMap<>());
        long now = System.nanoTime();
        if (lastSampleNanos != 0) {
            sampledNanos.merge(slice, now - lastSampleNanos, Long::sum);
        }
        lastSampleNanos = now;
        try (Stream<Path> list = Files.list(tasks)) {
            for (Path task : list.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    // "tid (comm) state ..." : the name may hold spaces, so split after the last ')'
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(open + 1, close).replaceAll("[0-9]+", "#");
                    String[] f = stat.substring(close + 2).split(" ");
                    long system = Long.parseLong(f[12]);
                    long ticks = Long.parseLong(f[11]) + system; // utime + stime
                    Reading before = last.put(task.getFileName().toString(), new Reading(ticks, system));
                    if (before != null && ticks > before.ticks()) {
                        used.merge(name, ticks - before.ticks(), Long::sum);
                        systemTicks += system - before.system();
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread ended between listing and reading
                }
            }
        } catch (IOException e) {
            stop = true;
        }
    }

    /** Per slice: the busiest thread groups, in CPU milliseconds per second of the time sampled in the slice. */
    synchronized Map<Long, String> busiest(int top) {
        Map<Long, String> lines = new LinkedHashMap<>();
        slices.forEach((slice, used) -> {
            long nanos = sampledNanos.getOrDefault(slice, 0L);
            if (nanos == 0) {
                return;
            }
            String groups = top(used, top, t -> msPerSecond(t, nanos));
            lines.put(slice, "all " + msPerSecond(sum(used), nanos) + (groups.isEmpty() ? "" : ", " + groups));
        });
        return lines;
    }

    /**
     * The whole run's busiest thread groups in CPU microseconds per call, for {@code calls} calls: where a
     * figure of CPU per request goes (event loops, JIT, GC, Kafka producer, drift sampler ...).
     */
    public synchronized String perCall(int top, long calls) {
        Map<String, Long> used = new HashMap<>();
        slices.values().forEach(m -> m.forEach((name, ticks) -> used.merge(name, ticks, Long::sum)));
        return top(used, top, t -> Math.round(t * (1e6 / TICKS_PER_SECOND) / Math.max(1, calls)))
                + String.format(" (%d%% of it in the kernel)", Math.round(100.0 * systemTicks / Math.max(1, sum(used))));
    }

    /** The {@code top} busiest groups, busiest first, as "name value, name value" with each group's ticks scaled. */
    private static String top(Map<String, Long> used, int top, java.util.function.LongUnaryOperator scale) {
        return used.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .map(e -> e.getKey() + " " + scale.applyAsLong(e.getValue())).collect(java.util.stream.Collectors.joining(", "));
    }

    private static long sum(Map<String, Long> used) {
        return used.values().stream().mapToLong(Long::longValue).sum();
    }

    private static long msPerSecond(long ticks, long nanos) {
        return Math.round(ticks * (1000.0 / TICKS_PER_SECOND) / (nanos / 1e9));
    }

    @Override
    public void close() {
        stop = true;
        sampler.interrupt();
        sample(); // the last part-second too, so per-call figures cover the whole phase
    }
}
