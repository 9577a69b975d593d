package dev.pilotlight.notify.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which answers of a receiver are retried: only those that may succeed later. */
class ReceiverAnswerTest {

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @CsvSource({
            "200, DELIVERED", "202, DELIVERED", "204, DELIVERED", "299, DELIVERED",
            "429, RETRY", "500, RETRY", "502, RETRY", "503, RETRY", "504, RETRY", "599, RETRY",
            "400, REFUSED", "401, REFUSED", "403, REFUSED", "404, REFUSED", "413, REFUSED", "422, REFUSED",
            "301, REFUSED", "100, REFUSED", "600, REFUSED"})
    void statusDecidesWhetherTheAlertIsRetried(int status, ReceiverAnswer expected) {
        assertThat(ReceiverAnswer.of(status)).isEqualTo(expected);
    }
}
