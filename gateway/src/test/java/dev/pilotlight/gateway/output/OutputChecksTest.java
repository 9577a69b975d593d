package dev.pilotlight.gateway.output;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The deny-list's phrase search: any case in the answer, the phrase as the catalog keeps it (lower case). */
class OutputChecksTest {
    @Test
    void aDeniedPhraseIsFoundInAnyCaseAnywhereAndOnlyWhole() {
        assertThat(OutputChecks.containsIgnoringCase("This is LEGAL Advice.", "legal advice")).isTrue();
        assertThat(OutputChecks.containsIgnoringCase("legal advice", "legal advice")).isTrue();
        assertThat(OutputChecks.containsIgnoringCase("Guaranteed approval", "guaranteed approval")).isTrue();
        assertThat(OutputChecks.containsIgnoringCase("legal advic", "legal advice")).isFalse();
        assertThat(OutputChecks.containsIgnoringCase("", "legal advice")).isFalse();
        assertThat(OutputChecks.containsIgnoringCase("a legal-advice line", "legal advice")).isFalse();
    }
}
