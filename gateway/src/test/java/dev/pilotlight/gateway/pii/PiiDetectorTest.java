package dev.pilotlight.gateway.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PiiDetectorTest {
    private final PiiDetector detector = new PiiDetector();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "write to jane.doe+claims@example.co.uk today | EMAIL | jane.doe+claims@example.co.uk",
            "call +1 415-555-0132 after 5 | PHONE | +1 415-555-0132",
            "call (415) 555 0132 | PHONE | (415) 555 0132",
            "SSN 123-45-6789 on file | SSN | 123-45-6789",
            "card 4111 1111 1111 1111 expired | CARD | 4111 1111 1111 1111",
            "card 5500-0000-0000-0004 | CARD | 5500-0000-0000-0004",
            "pay to DE89 3704 0044 0532 0130 00 now | IBAN | DE89 3704 0044 0532 0130 00",
            "pay to GB82WEST12345698765432 | IBAN | GB82WEST12345698765432",
            "from 192.168.10.254 at noon | IP | 192.168.10.254",
            "from 2001:0db8:85a3:0000:0000:8a2e:0370:7334 | IP | 2001:0db8:85a3:0000:0000:8a2e:0370:7334"})
    void findsEachKind(String text, PiiKind kind, String value) {
        assertThat(detector.find(text)).singleElement().satisfies(s -> {
            assertThat(s.kind()).isEqualTo(kind);
            assertThat(s.value()).isEqualTo(value);
        });
    }

    @Test
    void searchingOnlyAroundDigitsAtSignsAndHexRunsFindsExactlyWhatTheWholeTextSearchFinds() {
        String[] pieces = {"claim", "approved", "2024-118", "$1,250.00", "version 1.2.3", "jane.doe@example.com", "+1 415-555-0132",
                "@", "a@b", "x.y", "bob+1@mail.example.org.", "@example.com", "first.last", "%@a.io", "-",
                "(415) 555 0132", "123-45-6789", "4111 1111 1111 1111", "5500-0000-0000-0004", "DE89 3704 0044 0532 0130 00",
                "GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", "192.168.10.254", "2001:db8::8a2e:370:7334", "ref",
                "no. 7", "12", "on 2024-05-01", "call me at", "IBAN:", "(", ")", "+", "-", "x9", "0044", "fe80::1", "::1", "at 10:30:15",
                "Claim:", "dead:beef::cafe", ":", "::", "g:1:2", "1:2:3:4:5:6:7:8", "ab:cd", "_", "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
                // near-misses of the SSN and IBAN shapes the clustered search checks before their patterns
                "123 45 6789", "123-45 6789", "123456789", "12-345-6789", "de89", "DE8", "gb82west", "gb82 west 1234 5698 7654 32", "x12", "ab1 2", "1234567890123"};
        java.util.Random random = new java.util.Random(7);
        for (int n = 0; n < 5000; n++) {
            StringBuilder text = new StringBuilder();
            for (int w = random.nextInt(25); w >= 0; w--) {
                text.append(pieces[random.nextInt(pieces.length)]).append(random.nextInt(4) == 0 ? "" : " ");
            }
            String t = text.toString();
            assertThat(detector.find(t)).as(t).usingRecursiveFieldByFieldElementComparator().isEqualTo(detector.findInWholeText(t));
        }
    }

    @Test
    void digitClustersCoverEveryNumberWithItsSurroundings() {
        assertThat(PiiDetector.digitClusters("no digits here")).isEmpty();
        String t = "a".repeat(40) + "call +1 415-555-0132" + "b".repeat(40) + "SSN 123-45-6789";
        List<int[]> regions = PiiDetector.digitClusters(t);
        assertThat(regions).hasSize(2);
        assertThat(t.substring(regions.get(0)[0], regions.get(0)[1])).contains("+1 415-555-0132");
        assertThat(t.substring(regions.get(1)[0], regions.get(1)[1])).contains("123-45-6789").endsWith("6789");
    }

    @Test
    void checksumsKeepNumbersThatAreNotCardsOrIbansOut() {
        assertThat(detector.find("order 4111 1111 1111 1112 shipped")).isEmpty(); // fails Luhn
        assertThat(detector.find("ref DE00 3704 0044 0532 0130 00")).isEmpty(); // fails mod 97
        assertThat(detector.find("SSN 000-12-3456 is not valid")).isEmpty();
        assertThat(detector.find("claim 2024-118 for $1,250.00 on 2024-05-01, version 1.2.3")).isEmpty();
    }

    @Test
    void redactionIsStableAndRestores() {
        Redaction r = new Redaction(detector);
        String a = r.redact("Mail bob@example.com and bob@example.com, or 123-45-6789.");
        String b = r.redact("Again: bob@example.com");
        assertThat(a).isEqualTo("Mail [EMAIL_1] and [EMAIL_1], or [SSN_1].");
        assertThat(b).isEqualTo("Again: [EMAIL_1]");
        assertThat(r.count()).isEqualTo(4);
        assertThat(r.restore("Dear [EMAIL_1], SSN [SSN_1].")).isEqualTo("Dear bob@example.com, SSN 123-45-6789.");
        assertThat(r.leaks("Dear [EMAIL_1]")).isFalse();
        assertThat(r.leaks("Dear eve@example.com")).isTrue();
    }

    @Test
    void streamedPlaceholdersSplitOverChunksAreRestored() {
        Redaction r = new Redaction(detector);
        r.redact("x bob@example.com");
        List<String> out = new ArrayList<>();
        StreamingRestorer s = new StreamingRestorer(r, out::add);
        for (String chunk : List.of("Dear [EM", "AIL_", "1], thanks", " [not a placeholder")) {
            s.accept(chunk);
        }
        s.finish();
        assertThat(String.join("", out)).isEqualTo("Dear bob@example.com, thanks [not a placeholder");
    }
}
