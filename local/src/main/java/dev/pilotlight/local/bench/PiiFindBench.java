package dev.pilotlight.local.bench;

import dev.pilotlight.gateway.pii.PiiDetector;
import java.io.PrintStream;

/**
 * What the PII search costs per request text: the gateway benchmark's claims request (an e-mail
 * address and a phone number in 181 characters), the same text ten times over, and the request with
 * a line of notes holding colons (a time, "says:"), as prompts and system prompts do.
 */
public final class PiiFindBench {
    static final String REQUEST = "Claim 12345: rear-end collision on I-35, claimant jane.doe@example.com, phone +1 415-555-0132,"
            + " policy clause 4.2 applies; draft an approval letter for the repair estimate of $2,350.";

    static final String WITH_COLONS = REQUEST + " Notes: adjuster visit at 10:30, customer says: call after 5.";

    private PiiFindBench() {}

    public static void run(int calls, int rounds, PrintStream out) {
        PiiDetector detector = new PiiDetector();
        long found = 0; // used below, so the calls cannot be optimised away
        for (String text : new String[] {REQUEST, REQUEST.repeat(10), WITH_COLONS}) {
            for (int r = 1; r <= rounds; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    found += detector.find(text).size();
                }
                out.printf("%d characters, round %d: %.1f µs per find%n", text.length(), r, (System.nanoTime() - t0) / 1e3 / calls);
            }
        }
        out.printf("(%d findings in all)%n", found);
    }
}
