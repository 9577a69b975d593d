package dev.pilotlight.gateway.tiering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.gateway.provider.ChatTurn;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryClassifierTest {
    private final QueryClassifier c = new QueryClassifier(400, 2);

    private static List<ChatTurn> user(String... texts) {
        return java.util.Arrays.stream(texts).map(t -> new ChatTurn(ChatTurn.Role.USER, t)).toList();
    }

    @Test
    void shortPlainQuestionsAreSimple() {
        assertThat(c.classify(user("Is claim 42 approved?"))).isEqualTo(QueryClassifier.SIMPLE);
    }

    @Test
    void lengthReasoningStructureAndManyTurnsAreComplex() {
        assertThat(c.classify(user("x".repeat(401)))).isEqualTo(QueryClassifier.COMPLEX);
        assertThat(c.classify(user("Compare both estimates"))).isEqualTo(QueryClassifier.COMPLEX);
        assertThat(c.classify(user("Fix this: ```SELECT 1```"))).isEqualTo(QueryClassifier.COMPLEX);
        assertThat(c.classify(user("a", "b", "c"))).isEqualTo(QueryClassifier.COMPLEX);
    }
}
