package dev.pilotlight.gateway.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Restoring in one pass puts back exactly what replacing each placeholder in turn puts back. */
class RedactionRestoreTest {
    private static final Map<String, String> SENT = Map.of("[EMAIL_1]", "bob@example.com", "[PHONE_1]", "+1 415-555-0132",
            "[EMAIL_2]", "eve@example.org", "[SSN_1]", "123-45-6789");

    private static Redaction redactionOfTheSentValues() {
        Redaction r = new Redaction(new PiiDetector());
        String redacted = r.redact("bob@example.com, +1 415-555-0132, eve@example.org, 123-45-6789");
        assertThat(redacted).isEqualTo("[EMAIL_1], [PHONE_1], [EMAIL_2], [SSN_1]");
        return r;
    }

    /** The reference: each placeholder replaced everywhere, one after the other (the implementation before the one-pass one). */
    private static String replacedInTurn(String text) {
        String out = text;
        for (Map.Entry<String, String> e : SENT.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }

    @Provide
    Arbitrary<String> answers() {
        // answers made of placeholders, near-placeholders, lone brackets and words, in any order
        Arbitrary<String> piece = Arbitraries.oneOf(Arbitraries.of(List.copyOf(SENT.keySet())),
                Arbitraries.of("[EMAIL_3]", "[EMAIL_1", "EMAIL_1]", "[[EMAIL_1]]", "[", "]", "[]", "[ PHONE_1]", "[email_1]"),
                Arbitraries.strings().withChars("ab [],_1").ofMaxLength(6));
        return piece.list().ofMaxSize(12).map(l -> String.join("", l));
    }

    @Property(tries = 2_000)
    void oneCopyRestoresWhatReplacingInTurnRestores(@ForAll("answers") String answer) {
        assertThat(redactionOfTheSentValues().restore(answer)).isEqualTo(replacedInTurn(answer));
    }

    @Test
    void aTextWithoutPlaceholdersIsReturnedAsItIs() {
        String answer = "Dear customer, your claim [reference pending] is approved.";
        assertThat(redactionOfTheSentValues().restore(answer)).isSameAs(answer);
        assertThat(redactionOfTheSentValues().restore("[PHONE_1][EMAIL_1] [x [SSN_1]"))
                .isEqualTo("+1 415-555-0132bob@example.com [x 123-45-6789");
    }
}
