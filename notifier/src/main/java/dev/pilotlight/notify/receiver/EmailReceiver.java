package dev.pilotlight.notify.receiver;

import dev.pilotlight.common.event.Alert;
import dev.pilotlight.notify.ReceiverConfig;
import dev.pilotlight.notify.delivery.Message;
import dev.pilotlight.notify.delivery.ReceiverAnswer;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/**
 * E-mail through an SMTP server (Jakarta Mail): one message per transition of the tiers it takes, or the daily digest.
 * The server's URL is {@code smtp://host:port} ({@code smtps://} for TLS from the start; plain SMTP uses STARTTLS when
 * the server offers it). An unreachable server is retried like an HTTP 5xx; a refused address or login is final.
 */
public final class EmailReceiver implements Receiver {
    private final ReceiverConfig config;
    private final Session session;
    private final String protocol;

    public EmailReceiver(ReceiverConfig config) {
        this.config = config;
        this.protocol = config.url().getScheme();
        Properties p = new Properties();
        String prefix = "mail." + protocol + ".";
        p.put(prefix + "connectiontimeout", Long.toString(TIMEOUT.toMillis()));
        p.put(prefix + "timeout", Long.toString(TIMEOUT.toMillis()));
        p.put(prefix + "writetimeout", Long.toString(TIMEOUT.toMillis()));
        p.put(prefix + "auth", Boolean.toString(config.mail().username() != null));
        p.put("mail.smtp.starttls.enable", "true");
        this.session = Session.getInstance(p);
    }

    @Override
    public ReceiverConfig config() {
        return config;
    }

    @Override
    public Message message(Alert a) {
        return mail(AlertText.line(a), AlertText.line(a) + (a.runbook() == null ? "" : "\nRunbook: " + a.runbook()));
    }

    @Override
    public Message digest(LocalDate day, List<Alert> alerts, List<String> summary) {
        String text = AlertText.digest(day, alerts, summary);
        return mail(text.lines().findFirst().orElse("Pilotlight daily digest"), text);
    }

    private Message mail(String subject, String body) {
        return http -> {
            try {
                MimeMessage m = new MimeMessage(session);
                m.setFrom(new InternetAddress(config.mail().from()));
                m.setRecipients(jakarta.mail.Message.RecipientType.TO, InternetAddress.parse(String.join(",", config.mail().to())));
                m.setSubject(subject, "UTF-8");
                m.setText(body, "UTF-8");
                m.setSentDate(new Date());
                try (Transport t = session.getTransport(protocol)) {
                    t.connect(config.url().getHost(), config.url().getPort(), config.mail().username(), config.secret());
                    t.sendMessage(m, m.getAllRecipients());
                }
                return new Message.Attempt(ReceiverAnswer.DELIVERED, "sent");
            } catch (AddressException | SendFailedException | AuthenticationFailedException e) {
                return new Message.Attempt(ReceiverAnswer.REFUSED, "the mail server refused it: " + e.getMessage());
            } catch (MessagingException e) {
                throw new IOException("mail server " + config.url().getHost() + ":" + config.url().getPort() + " unreachable: " + e.getMessage(), e);
            }
        };
    }
}
