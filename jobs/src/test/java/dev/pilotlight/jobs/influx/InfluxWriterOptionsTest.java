package dev.pilotlight.jobs.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InfluxWriterOptionsTest {

    @Test
    void defaultsRunWithATokenFromTheEnvironmentAndNeverPrintIt() {
        InfluxWriterOptions o = InfluxWriterOptions.parse(new String[0], Map.of("INFLUX_TOKEN", "s3cret-token"));
        assertThat(o.target().url()).isEqualTo("http://127.0.0.1:8086");
        assertThat(o.batchSize()).isEqualTo(5000);
        assertThat(o.target().token()).isEqualTo("s3cret-token");
        assertThat(o.toString()).doesNotContain("s3cret-token").contains("<hidden>");
    }

    @Test
    void everyProblemIsNamed() {
        assertThatThrownBy(() -> InfluxWriterOptions.parse(
                new String[] {"--influx-url", "localhost:8086", "--batch-size", "0", "--flush-interval", "soon", "--bukket", "x"},
                Map.of()))
                .hasMessageContaining("INFLUX_TOKEN")
                .hasMessageContaining("--influx-url must be an http:// or https:// URL")
                .hasMessageContaining("--batch-size must be a whole number from 1 to 100000, got '0'")
                .hasMessageContaining("--flush-interval")
                .hasMessageContaining("unknown option --bukket");
    }

    @Test
    void onlyTheMostFrequentUsersBecomeTags() {
        TopUsers top = new TopUsers(2);
        for (int i = 0; i < 5; i++) {
            top.tagFor("mallory");
            top.tagFor("eve");
        }
        assertThat(top.tagFor("mallory")).isEqualTo("mallory");
        assertThat(top.tagFor("bob")).isEqualTo(TopUsers.OTHER); // a third user while two are far ahead
        assertThat(new TopUsers(0).tagFor("mallory")).isEqualTo(TopUsers.OTHER);
        for (int i = 0; i < 20; i++) {
            top.tagFor("trudy");
        }
        assertThat(top.tagFor("trudy")).isEqualTo("trudy"); // a new heavy hitter displaces one
    }
}
