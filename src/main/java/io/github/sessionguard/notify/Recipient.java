package io.github.sessionguard.notify;

import java.util.Map;
import java.util.Optional;

/**
 * Whether an email can reach the user at all: the realm has an SMTP server, and the user an address they proved is
 * theirs. An unverified address may be anyone's; telling it about the account's sessions would leak them.
 */
final class Recipient {

    private Recipient() {
    }

    /** Why no email can be sent, or empty if it can. */
    static Optional<String> whyNot(Map<String, String> smtpConfig, String email, boolean emailVerified) {
        String host = smtpConfig == null ? null : smtpConfig.get("host");
        if (host == null || host.isBlank()) {
            return Optional.of("the realm has no SMTP server");
        }
        if (email == null || email.isBlank()) {
            return Optional.of("the user has no email address");
        }
        if (!emailVerified) {
            return Optional.of("the user's email address is not verified");
        }
        return Optional.empty();
    }
}
