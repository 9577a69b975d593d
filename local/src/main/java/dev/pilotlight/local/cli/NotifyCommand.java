package dev.pilotlight.local.cli;

import dev.pilotlight.notify.AlertNotifier;
import dev.pilotlight.notify.NotifierConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./pilotlight notify --config config/notify.example.yaml}: runs the notifier until stopped. */
@Command(name = "notify", description = "Deliver guard.alerts to Alertmanager, PagerDuty, Slack and webhooks (runs until Ctrl-C).")
final class NotifyCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "Notifier YAML (see config/notify.example.yaml).")
    Path config;

    @Override
    public Integer call() throws Exception {
        NotifierConfig c;
        try {
            c = NotifierConfig.load(config, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        AlertNotifier n = AlertNotifier.start(c);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                n.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped.countDown();
        }, "notifier-shutdown"));
        stopped.await();
        return 0;
    }
}
