package dev.pilotlight.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.gateway.pii.PiiDetector;
import dev.pilotlight.gateway.pii.Redaction;
import dev.pilotlight.gateway.provider.Delta;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestoringRelayTest {
    private static ObjectNode chunk(String json) throws Exception {
        return (ObjectNode) JsonCodec.mapper().readTree(json);
    }

    private static Redaction redactionOfJane() {
        Redaction r = new Redaction(new PiiDetector());
        assertThat(r.redact("write to jane.doe@example.com")).contains("[EMAIL_1]");
        return r;
    }

    @Test
    void aPlaceholderSplitOverContentChunksIsRestoredWholeAndOtherFieldsPass() throws Exception {
        List<Delta> out = new ArrayList<>();
        RestoringRelay relay = new RestoringRelay(redactionOfJane(), out::add);
        relay.accept(new Delta("Mail [EMA", chunk("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Mail [EMA\"},\"logprobs\":{\"x\":1}}]}")));
        relay.accept(new Delta("IL_1] now", chunk("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"IL_1] now\"}}]}")));
        relay.accept(new Delta("", chunk("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}")));
        StringBuilder text = new StringBuilder();
        out.forEach(d -> text.append(d.chunk().path("choices").get(0).path("delta").path("content").asText("")));
        assertThat(text.toString()).isEqualTo("Mail jane.doe@example.com now");
        assertThat(out.get(0).chunk().path("choices").get(0).path("logprobs").path("x").asInt()).isEqualTo(1);
        assertThat(out.get(out.size() - 1).chunk().path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void heldTextGoesOutBeforeTheFinishingChunk() throws Exception {
        List<Delta> out = new ArrayList<>();
        RestoringRelay relay = new RestoringRelay(redactionOfJane(), out::add);
        relay.accept(new Delta("see [EMAIL_", chunk("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"see [EMAIL_\"}}]}")));
        relay.accept(new Delta("", chunk("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}")));
        assertThat(out).hasSize(3);
        JsonNode flushed = out.get(1).chunk().path("choices").get(0);
        assertThat(flushed.path("delta").path("content").asText()).isEqualTo("[EMAIL_");
        assertThat(flushed.path("finish_reason").isNull()).isTrue();
        assertThat(out.get(2).chunk().path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void toolCallArgumentFragmentsAreRestoredPerCall() throws Exception {
        List<Delta> out = new ArrayList<>();
        RestoringRelay relay = new RestoringRelay(redactionOfJane(), out::add);
        relay.accept(new Delta("", chunk("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c1\",\"function\":{\"name\":\"mail\",\"arguments\":\"{\\\"to\\\":\\\"[EM\"}}]}}]}")));
        relay.accept(new Delta("", chunk("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"AIL_1]\\\"}\"}}]}}]}")));
        relay.accept(new Delta("", chunk("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}")));
        StringBuilder args = new StringBuilder();
        out.forEach(d -> d.chunk().path("choices").get(0).path("delta").path("tool_calls")
                .forEach(t -> args.append(t.path("function").path("arguments").asText(""))));
        assertThat(args.toString()).isEqualTo("{\"to\":\"jane.doe@example.com\"}");
        assertThat(out.get(0).chunk().path("choices").get(0).path("delta").path("tool_calls").get(0).path("function").path("name").asText())
                .isEqualTo("mail");
    }
}
