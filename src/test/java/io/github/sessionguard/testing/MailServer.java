package io.github.sessionguard.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real SMTP server on a free loopback port (GreenMail), as a realm's SMTP settings name it; it keeps what it
 * receives, decoded, for the test to read. Registered on a static field ({@code @RegisterExtension}), it runs from
 * before the class to after it; its port, and so {@link #realmSettings()}, is known from the start.
 */
public final class MailServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    /** One received email: its subject and its plain-text and HTML bodies, decoded. */
    public record Mail(String to, String subject, String text, String html) {
    }

    private final int port = FreePorts.next();
    private final GreenMail greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    @Override
    public void beforeAll(ExtensionContext context) {
        greenMail.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** The realm's {@code smtpServer} settings that send here. */
    public Map<String, String> realmSettings() {
        return Map.of("host", "127.0.0.1", "port", String.valueOf(port), "from", "session-guard@example.org");
    }

    public List<Mail> mailsTo(String address) {
        return Arrays.stream(greenMail.getReceivedMessages()).map(MailServer::read)
                .filter(mail -> mail.to().equalsIgnoreCase(address)).toList();
    }

    private static Mail read(MimeMessage message) {
        try {
            String to = message.getRecipients(Message.RecipientType.TO)[0].toString();
            String text = null;
            String html = null;
            if (message.getContent() instanceof Multipart multipart) {
                for (int i = 0; i < multipart.getCount(); i++) {
                    BodyPart part = multipart.getBodyPart(i);
                    if (part.getContent() instanceof Multipart inner) {
                        for (int j = 0; j < inner.getCount(); j++) {
                            BodyPart alternative = inner.getBodyPart(j);
                            if (alternative.isMimeType("text/plain")) {
                                text = alternative.getContent().toString();
                            } else if (alternative.isMimeType("text/html")) {
                                html = alternative.getContent().toString();
                            }
                        }
                    } else if (part.isMimeType("text/plain")) {
                        text = part.getContent().toString();
                    } else if (part.isMimeType("text/html")) {
                        html = part.getContent().toString();
                    }
                }
            } else {
                text = message.getContent().toString();
            }
            return new Mail(to, message.getSubject(), text, html);
        } catch (MessagingException e) {
            throw new IllegalStateException("Unreadable email", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
