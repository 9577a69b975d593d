package dev.pilotlight.local.scenario;

import java.util.concurrent.ThreadFactory;

/** Threads of a scenario's traffic: named, and daemons, so a scenario that fails never holds the JVM open. */
final class DaemonThreads {
    private DaemonThreads() {}

    static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
