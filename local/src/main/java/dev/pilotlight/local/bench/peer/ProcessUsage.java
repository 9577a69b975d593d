package dev.pilotlight.local.bench.peer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of another process, from /proc (Linux only). */
public final class ProcessUsage {
    private static final long NANOS_PER_TICK = 10_000_000; // USER_HZ 100

    private ProcessUsage() {}

    /** User plus system CPU time used so far, in nanoseconds (10 ms resolution). */
    public static long cpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK; // fields 14 and 15 of stat(5)
    }

    /** Resident set size now, in MB. */
    public static long rssMb(long pid) throws IOException {
        long kb = status(pid, "VmRSS:");
        return kb < 0 ? -1 : kb / 1024;
    }

    /** Threads of the process now. */
    public static int threads(long pid) throws IOException {
        return (int) status(pid, "Threads:");
    }

    /** The number on a line of /proc/<pid>/status, or -1 when the line is not there. */
    private static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
