package dev.pilotlight.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which raw paths an endpoint's template matches, and the raw values of its parameters. */
class EndpointTest {
    @Test
    void aTemplateWithoutParametersMatchesExactlyItself() {
        assertThat(Endpoint.CHAT_COMPLETIONS.match("/v1/chat/completions")).isEmpty();
        assertThat(Endpoint.CHAT_COMPLETIONS.match("/v1/chat/completions/")).isNull();
        assertThat(Endpoint.CHAT_COMPLETIONS.match("/v1/chat/completion")).isNull();
        assertThat(Endpoint.HEALTHZ.match("/HEALTHZ")).isNull();
    }

    @Test
    void parametersAreOneNonEmptySegmentEach() {
        assertThat(Endpoint.INVOKE_ROUTE.match("/v1/routes/claims%2Dletter/invoke")).containsExactly("claims%2Dletter");
        assertThat(Endpoint.INVOKE_ROUTE.match("/v1/routes//invoke")).isNull();
        assertThat(Endpoint.INVOKE_ROUTE.match("/v1/routes/a/b/invoke")).isNull();
        assertThat(Endpoint.INVOKE_ROUTE.match("/v1/routes/a/invoke/more")).isNull();
        assertThat(Endpoint.ADMIN_RELEASE.match("/admin/releases/a/rollback")).isNull();
        assertThat(Endpoint.ADMIN_ROLLBACK.match("/admin/releases/a/rollback")).containsExactly("a");
    }

    @Test
    void everyPathMatchesExactlyTheEndpointsWhoseTemplateItFills() {
        for (Endpoint e : Endpoint.values()) {
            String path = e.template().replaceAll("\\{\\w+}", "x1");
            List<Endpoint> matching = new ArrayList<>();
            for (Endpoint other : Endpoint.values()) {
                if (other.match(path) != null) {
                    matching.add(other);
                }
            }
            assertThat(matching).as(path).allSatisfy(m -> assertThat(m.template()).isEqualTo(e.template()));
            assertThat(e.match(path)).as(path).hasSize(e.parameterNames().size()).allSatisfy(v -> assertThat(v).isEqualTo("x1"));
        }
    }
}
