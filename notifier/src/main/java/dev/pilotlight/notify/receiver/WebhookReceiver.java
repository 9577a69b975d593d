package dev.pilotlight.notify.receiver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.notify.ReceiverConfig;
import dev.pilotlight.notify.delivery.Message;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A generic webhook: the Alert record as JSON (the guard.alerts format). With a secret, the body is
 * signed in {@code X-Pilotlight-Signature: sha256=<hex HMAC-SHA256>} so the receiver can check it.
 */
public final class WebhookReceiver extends JsonPostReceiver {
    public WebhookReceiver(ReceiverConfig config) {
        super(config);
    }

    @Override
    public HttpRequest request(Alert a) {
        return post(new String(JsonCodec.encode(a), StandardCharsets.UTF_8));
    }

    @Override
    public Message digest(LocalDate day, List<Alert> alerts, List<String> summary) {
        ObjectNode body = JSON.createObjectNode().put("type", "digest").put("day", day.toString());
        body.put("text", AlertText.digest(day, alerts, summary));
        body.set("summary", JSON.valueToTree(summary));
        body.set("alerts", JSON.valueToTree(alerts));
        return Message.http(post(body.toString()));
    }

    @Override
    protected HttpRequest post(String body) {
        HttpRequest.Builder b = Receiver.postJson(config.url());
        if (config.secret() != null && !config.secret().isBlank()) {
            b.header("X-Pilotlight-Signature", "sha256=" + hmac(config.secret(), body));
        }
        return b.POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static String hmac(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
