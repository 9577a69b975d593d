package dev.pilotlight.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.gateway.provider.ChatTurn;
import dev.pilotlight.gateway.provider.ChatTurn.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same request whatever its case and spacing; a different claim number or speaker is a different request. */
class RequestFingerprintTest {

    static String of(String text) {
        return RequestFingerprint.of(List.of(new ChatTurn(Role.USER, text)));
    }

    @Test
    void caseAndSpacingAreFoldedDigitsAndSpeakersAreNot() {
        assertThat(of("Summarise  claim 4711\n for the adjuster")).isEqualTo(of("summarise claim 4711 for THE adjuster"));
        assertThat(of("Summarise claim 4711")).isNotEqualTo(of("Summarise claim 4712"));
        assertThat(RequestFingerprint.of(List.of(new ChatTurn(Role.SYSTEM, "hi")))).isNotEqualTo(of("hi"));
        assertThat(RequestFingerprint.of(List.of(new ChatTurn(Role.USER, "ab"), new ChatTurn(Role.USER, "c"))))
                .isNotEqualTo(RequestFingerprint.of(List.of(new ChatTurn(Role.USER, "a"), new ChatTurn(Role.USER, "bc"))));
        assertThat(of("x")).matches("[0-9a-f]{1,16}");
    }
}
