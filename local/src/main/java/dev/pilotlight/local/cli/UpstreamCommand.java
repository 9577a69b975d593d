package dev.pilotlight.local.cli;

import dev.pilotlight.testkit.upstream.SimulatedUpstream;
import java.net.InetAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./pilotlight upstream}: the simulated model provider on its own (OpenAI and Anthropic wire
 * formats), the default provider of the compose stack. Runs until stopped.
 */
@Command(name = "upstream", description = "Run the simulated model provider (OpenAI /v1/chat/completions, Anthropic /v1/messages) until Ctrl-C.")
final class UpstreamCommand implements Callable<Integer> {
    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 in a container).")
    String bind;

    @Option(names = "--port", defaultValue = "9000", description = "Port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the simulated failures, for repeatable runs.")
    long seed;

    @Override
    public Integer call() throws Exception {
        SimulatedUpstream upstream = SimulatedUpstream.start(InetAddress.getByName(bind), port, seed, 64);
        System.out.println("simulated upstream listening on " + bind + ":" + port + " (OpenAI base URL http://<host>:" + port + "/v1)");
        System.out.println("the same over HTTP/2 without TLS (a catalog provider's http: 2): " + upstream.h2cBaseUrl().replace("127.0.0.1", "<host>"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            upstream.close();
            stopped.countDown();
        }, "upstream-shutdown"));
        stopped.await();
        return 0;
    }
}
