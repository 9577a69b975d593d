package dev.pilotlight.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.gateway.provider.ChatTurn;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseCacheKeyTest {

    @Test
    void whitespaceAndCaseDoNotMakeADifferentKeyButWordsDo() {
        StringBuilder sb = new StringBuilder();
        ResponseCache.appendFolded(sb, "  Draft \n\t the LETTER  for claim 7 ");
        assertThat(sb).hasToString("draft the letter for claim 7");
        String a = ResponseCache.key("acme", "1.0.0", null, null, List.of(new ChatTurn(ChatTurn.Role.USER, "Draft the  letter\n for claim 7")), null);
        String b = ResponseCache.key("acme", "1.0.0", null, null, List.of(new ChatTurn(ChatTurn.Role.USER, " draft THE letter for\tclaim 7 ")), null);
        String c = ResponseCache.key("acme", "1.0.0", null, null, List.of(new ChatTurn(ChatTurn.Role.USER, "Draft the letter for claim 8")), null);
        String d = ResponseCache.key("globex", "1.0.0", null, null, List.of(new ChatTurn(ChatTurn.Role.USER, "Draft the letter for claim 7")), null);
        assertThat(a).isEqualTo(b).isNotEqualTo(c).isNotEqualTo(d);
        String e = ResponseCache.key("acme", "1.0.0", null, null, List.of(new ChatTurn(ChatTurn.Role.USER, "Draft the letter for claim 7")),
                "{\"seed\":1}");
        assertThat(e).as("another answer-shaping field, another key").startsWith(a).isNotEqualTo(a);
    }
}
