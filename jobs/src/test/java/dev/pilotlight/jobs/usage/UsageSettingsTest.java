package dev.pilotlight.jobs.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The shipped defaults are the playbook's figures; a bad settings file names each problem with its line. */
class UsageSettingsTest {

    @Test
    void defaultsAreThePlaybooksThresholds() {
        UsageSettings s = UsageSettings.defaults();
        assertThat(s.day()).isEqualTo(Duration.ofDays(1));
        assertThat(s.targetActivated()).isEqualTo(0.80);
        assertThat(s.regularUses()).isEqualTo(4);
        assertThat(s.powerUses()).isEqualTo(20);
        assertThat(s.goWeeklyActive()).isEqualTo(0.70);
        assertThat(s.goAcceptance()).isEqualTo(0.65);
        assertThat(s.stopAcceptance()).isEqualTo(0.40);
        assertThat(s.goSatisfaction()).isEqualTo(3.5);
        assertThat(s.stopSatisfaction()).isEqualTo(2.5);
        assertThat(s.roiYears()).isEqualTo(3);
        assertThat(s.targetValueToCost()).isEqualTo(10);
        assertThat(s.labourRateOf("anyone")).isEqualTo(60);
    }

    @Test
    void tenantRatesOverrideTheDefaultRate() {
        UsageSettings s = UsageSettings.parse("u.yaml", "labour_rates: acme=75, globex=55.5\n");
        assertThat(s.labourRateOf("acme")).isEqualTo(75);
        assertThat(s.labourRateOf("globex")).isEqualTo(55.5);
        assertThat(s.labourRateOf(null)).isEqualTo(60);
    }

    @Test
    void everyProblemIsNamed() {
        assertThatThrownBy(() -> UsageSettings.parse("u.yaml", """
                go_acceptance: 0.3
                labour_rates: acme=lots
                security_label: security
                power_uses: 2
                """)).hasMessageContainingAll("stop_acceptance must not exceed go_acceptance", "labour_rates must be tenant=rate pairs",
                "security_label must be key=value", "power_uses must be at least regular_uses");
    }
}
