package dev.pilotlight.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.testkit.binaries.AlertmanagerProcess;
import dev.pilotlight.local.scenario.AlertWatcher;
import dev.pilotlight.local.stack.EmbeddedStack;
import dev.pilotlight.notify.AlertNotifier;
import dev.pilotlight.notify.NotifierConfig;
import dev.pilotlight.notify.ReceiverConfig;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The demo's alert delivery: every alert printed as it happens, and (when available) delivered by
 * the notifier to a real Alertmanager, whose view is reported at the end.
 */
final class DemoAlerts implements AutoCloseable {
    private final AlertWatcher watcher;
    private final Thread printer;
    private final AlertmanagerProcess process;
    private final AlertNotifier notifier;
    private final URI alertmanager;
    private volatile boolean running = true;

    private DemoAlerts(AlertWatcher watcher, AlertmanagerProcess process, AlertNotifier notifier, URI alertmanager, PrintStream log) {
        this.watcher = watcher;
        this.process = process;
        this.notifier = notifier;
        this.alertmanager = alertmanager;
        this.printer = new Thread(() -> print(log), "demo-alert-printer");
        printer.setDaemon(true);
        printer.start();
    }

    static DemoAlerts start(String mode, EmbeddedStack stack, PrintStream log) throws Exception {
        AlertmanagerProcess process = null;
        URI url = null;
        if (mode.equals("auto")) {
            Optional<java.nio.file.Path> bin = AlertmanagerProcess.find();
            if (bin.isPresent()) {
                process = AlertmanagerProcess.start(bin.get());
                url = process.url();
                log.println("alertmanager " + url + " (started from " + bin.get() + ")");
            } else {
                log.println("alertmanager: not installed (apt-get install prometheus-alertmanager); alerts are printed only");
            }
        } else if (!mode.equals("off")) {
            url = URI.create(mode);
        }
        AlertNotifier notifier = null;
        if (url != null) {
            NotifierConfig c = new NotifierConfig(stack.kafka().bootstrapServers(), "pilotlight-demo-notifier", true,
                    Files.createTempDirectory("pilotlight-notifier-"), Duration.ofMillis(200), Duration.ofSeconds(10), 10_000,
                    LocalTime.of(8, 0), List.of(new ReceiverConfig("alertmanager", "alertmanager", url, null, Set.of(1, 2, 3), false,
                    Duration.ofMinutes(1))));
            notifier = AlertNotifier.start(c);
        }
        return new DemoAlerts(new AlertWatcher(stack.kafka().bootstrapServers()), process, notifier, url, log);
    }

    private void print(PrintStream log) {
        int shown = 0;
        while (running) {
            List<AlertWatcher.Seen> all = watcher.all();
            for (; shown < all.size(); shown++) {
                Alert a = all.get(shown).alert();
                log.println("alert [P" + a.tier() + " " + a.state() + "] " + a.ruleId() + ": " + a.summary());
            }
            try {
                Thread.sleep(50); // polling a local list for printing, not synchronisation
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** What Alertmanager holds now, by severity. */
    void report(PrintStream out) {
        if (alertmanager == null) {
            return;
        }
        try {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(alertmanager.resolve("/api/v2/alerts")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Map<String, Integer> bySeverity = new TreeMap<>();
            for (JsonNode a : new ObjectMapper().readTree(body)) {
                bySeverity.merge(a.path("labels").path("severity").asText(), 1, Integer::sum);
            }
            out.println("alertmanager " + alertmanager + " holds active alerts by severity: " + bySeverity);
        } catch (Exception e) {
            out.println("alertmanager " + alertmanager + " could not be read: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        printer.interrupt();
        try {
            if (notifier != null) {
                notifier.close();
            }
            watcher.close();
        } catch (Exception e) {
            // shutting down
        }
        if (process != null) {
            process.close();
        }
    }
}
