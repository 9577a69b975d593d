package dev.pilotlight.local.progress;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Tells the person at the terminal what a long command is doing: one line when a phase starts and
 * one at least every {@code everySeconds} while it lasts, with the phase's own figures. Lines go to
 * the stream given (the commands use stderr, so results on stdout stay clean to pipe).
 */
public final class Progress implements AutoCloseable {
    private final String command;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private final ScheduledExecutorService ticker;
    private volatile String phase = "starting";
    private volatile long phaseStart = System.nanoTime();
    private volatile Supplier<String> detail = () -> "";

    private Progress(String command, PrintStream out, int everySeconds) {
        this.command = command;
        this.out = out;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::tick, everySeconds, everySeconds, TimeUnit.SECONDS);
    }

    public static Progress start(String command, PrintStream out) {
        return new Progress(command, out, 10);
    }

    public void phase(String name) {
        phase(name, () -> "");
    }

    /** A new phase; {@code detail} is asked for its figures at every tick (e.g. "12,000 events sent"). */
    public void phase(String name, Supplier<String> detail) {
        this.phase = name;
        this.detail = detail;
        this.phaseStart = System.nanoTime();
        print(name);
    }

    /** A line within the current phase (e.g. why some calls failed). */
    public void note(String line) {
        print(line);
    }

    private void tick() {
        String d;
        try {
            d = detail.get();
        } catch (RuntimeException e) {
            d = "";
        }
        print(phase + ": " + seconds(phaseStart) + " s in" + (d.isEmpty() ? "" : "; " + d));
    }

    private void print(String line) {
        out.printf("[%s] +%d s  %s%n", command, seconds(start), line);
        out.flush();
    }

    private static long seconds(long since) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        print("done");
    }
}
