package io.github.sessionguard.signals;

import io.github.sessionguard.logout.outbox.DeathReason;

/**
 * One death as a receiver hears of it: whose session, whether all of it or one application's part, why, and who
 * caused it.
 *
 * @param clientId the application whose part of the session ended; null when the whole session ended
 * @param issuer the realm's issuer as the session's tokens carry it: the SET's {@code iss} where no request names it
 *               (the expiry scan runs outside any)
 */
record Death(String userId, String userSessionId, String clientId, DeathReason reason, Initiator initiator,
        String issuer) {
}
