package io.github.sessionguard.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests when {@link Recipient} lets an email go: an SMTP host, an address, and that address verified. */
class RecipientTest {

    private static final Map<String, String> SMTP = Map.of("host", "smtp.example.org", "from", "idp@example.org");

    @Test
    void aVerifiedAddressInARealmWithAnSmtpServerIsMailed() {
        assertThat(Recipient.whyNot(SMTP, "alice@example.org", true)).isEmpty();
    }

    @Test
    void aRealmWithoutSmtpHostMailsNobody() {
        assertThat(Recipient.whyNot(Map.of(), "alice@example.org", true)).contains("the realm has no SMTP server");
        assertThat(Recipient.whyNot(Map.of("host", " ", "from", "idp@example.org"), "alice@example.org", true))
                .contains("the realm has no SMTP server");
        assertThat(Recipient.whyNot(null, "alice@example.org", true)).contains("the realm has no SMTP server");
    }

    @Test
    void aUserWithoutAddressIsNotMailed() {
        assertThat(Recipient.whyNot(SMTP, null, true)).contains("the user has no email address");
        assertThat(Recipient.whyNot(SMTP, "", true)).contains("the user has no email address");
    }

    @Test
    void anUnverifiedAddressIsNotMailed() {
        assertThat(Recipient.whyNot(SMTP, "alice@example.org", false))
                .contains("the user's email address is not verified");
    }
}
