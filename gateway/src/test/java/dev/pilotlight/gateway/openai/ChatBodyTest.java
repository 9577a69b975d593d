package dev.pilotlight.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.gateway.http.ApiError;
import dev.pilotlight.gateway.pii.PiiDetector;
import dev.pilotlight.gateway.pii.Redaction;
import dev.pilotlight.gateway.provider.ChatTurn;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatBodyTest {
    private static final String BODY = """
            {"model": "m", "seed": 7, "x_unknown": {"a": [1, 2]}, "sources": [],
             "messages": [
               {"role": "developer", "content": "Be brief."},
               {"role": "user", "content": [{"type": "text", "text": "Mail jane.doe@example.com"},
                                            {"type": "image_url", "image_url": {"url": "https://x/y.png"}}]},
               {"role": "assistant", "content": null, "tool_calls": [{"id": "c", "type": "function",
                 "function": {"name": "f", "arguments": "{\\"to\\":\\"jane.doe@example.com\\"}"}}]},
               {"role": "tool", "tool_call_id": "c", "content": "sent"}]}""";

    private static ObjectNode json(String s) throws Exception {
        return (ObjectNode) JsonCodec.mapper().readTree(s);
    }

    @Test
    void redactionWritesBackWhereTheTextWasAndNothingElseChanges() throws Exception {
        ObjectNode sent = json(BODY);
        ChatBody body = ChatBody.of(sent.deepCopy());
        body.redact(new Redaction(new PiiDetector()));
        body.prepend(List.of(new ChatTurn(ChatTurn.Role.SYSTEM, "route prompt")));
        JsonNode out = body.json();
        assertThat(out.path("messages").get(0)).isEqualTo(json("{\"role\":\"system\",\"content\":\"route prompt\"}"));
        assertThat(out.path("messages").get(2).path("content").get(0).path("text").asText()).isEqualTo("Mail [EMAIL_1]");
        assertThat(out.path("messages").get(2).path("content").get(1)).isEqualTo(sent.path("messages").get(1).path("content").get(1));
        assertThat(out.path("messages").get(3).path("tool_calls").get(0).path("function").path("arguments").asText())
                .isEqualTo("{\"to\":\"[EMAIL_1]\"}");
        assertThat(out.path("messages").get(4)).isEqualTo(sent.path("messages").get(3));
        assertThat(out.path("seed")).isEqualTo(sent.path("seed"));
        assertThat(out.path("x_unknown")).isEqualTo(sent.path("x_unknown"));
        assertThat(out.has("sources")).isFalse(); // Pilotlight's own field never goes upstream
    }

    @Test
    void turnsGiveEachMessageItsTextAndRole() throws Exception {
        ChatBody body = ChatBody.of(json(BODY));
        assertThat(body.turns()).extracting(ChatTurn::role)
                .containsExactly(ChatTurn.Role.SYSTEM, ChatTurn.Role.USER, ChatTurn.Role.ASSISTANT, ChatTurn.Role.TOOL);
        assertThat(body.turns().get(3).content()).isEqualTo("sent");
        body.demoteSystemMessages();
        assertThat(body.turns().get(0).role()).isEqualTo(ChatTurn.Role.USER);
    }

    @Test
    void theCacheKeyHoldsEveryAnswerShapingField() throws Exception {
        String a = ChatBody.of(json("{\"model\":\"m\",\"seed\":1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")).shapingFields();
        String b = ChatBody.of(json("{\"model\":\"m\",\"seed\":2,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")).shapingFields();
        String c = ChatBody.of(json("{\"model\":\"m\",\"seed\":1,\"user\":\"u\",\"messages\":[{\"role\":\"user\",\"content\":\"y\"}]}"))
                .shapingFields();
        assertThat(a).isNotEqualTo(b).isEqualTo(c);
    }

    @Test
    void messagesTheGatewayCannotReadAreRefusedByPath() throws Exception {
        assertThatThrownBy(() -> ChatBody.of(json("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"tool\",\"content\":\"r\"}]}")))
                .isInstanceOf(ApiError.class).hasMessageContaining("messages[1]").hasMessageContaining("tool_call_id");
        assertThatThrownBy(() -> ChatBody.of(json("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":3}]}]}")))
                .isInstanceOf(ApiError.class).hasMessageContaining("messages[0].content[0].text");
        assertThatThrownBy(() -> ChatBody.of(json("{\"messages\":[{\"role\":\"user\",\"content\":null}]}")))
                .isInstanceOf(ApiError.class).hasMessageContaining("messages[0].content");
        assertThatThrownBy(() -> ChatBody.of(json("{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}")))
                .isInstanceOf(ApiError.class).hasMessageContaining("messages[0].role");
    }
}
