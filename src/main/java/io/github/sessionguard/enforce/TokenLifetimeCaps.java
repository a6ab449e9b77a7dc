package io.github.sessionguard.enforce;

import io.github.sessionguard.tier.TierPolicy;

/**
 * The arithmetic of a tier's token lifetimes, apart from Keycloak so it can be tested alone. Every limit is a
 * ceiling laid over what Keycloak would have issued: a tier only ever shortens a token, never lengthens one.
 * Times are epoch seconds; an expiry of 0 or less means "none" (Keycloak's convention for offline tokens).
 */
final class TokenLifetimeCaps {

    private final TierPolicy policy;
    private final long now;
    private final long authTime;

    TokenLifetimeCaps(TierPolicy policy, long now, long authTime) {
        this.policy = policy;
        this.now = now;
        this.authTime = authTime;
    }

    /** When every token of the session must be dead, whatever is refreshed: {@code auth_time + max-lifespan}. */
    long absoluteDeadline() {
        return authTime + policy.maxLifespan();
    }

    boolean pastAbsoluteDeadline() {
        return now >= absoluteDeadline();
    }

    /** Access and ID tokens: at most access-token-lifespan from now, and never past the absolute deadline. */
    long accessTokenExpiry(long issuedExpiry) {
        return ceiling(issuedExpiry, now + policy.accessTokenLifespan());
    }

    /** Refresh tokens: unusable after idle-timeout without a refresh, and never past the absolute deadline. */
    long refreshTokenExpiry(long issuedExpiry) {
        return ceiling(issuedExpiry, now + policy.idleTimeout());
    }

    private long ceiling(long issuedExpiry, long tierExpiry) {
        long capped = Math.min(tierExpiry, absoluteDeadline());
        return issuedExpiry > 0 ? Math.min(issuedExpiry, capped) : capped;
    }
}
