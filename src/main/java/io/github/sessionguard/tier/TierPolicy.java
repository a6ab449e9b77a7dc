package io.github.sessionguard.tier;

/**
 * The values that govern one client's sessions and how its tokens are obtained: a tier's preset with the
 * administrator's overrides applied. Durations are whole seconds.
 *
 * @param reauthAfterIdle    SSO hands the session to the client only while the client's own last use in it is
 *                           within {@code idleTimeout}; past it, the user signs in again
 * @param requirePkce        authorization requests must carry a PKCE S256 challenge
 * @param refuseLegacyGrants implicit and hybrid responses with tokens, and the password grant, are refused
 * @param requireDpop        a public client's tokens must be DPoP-bound (RFC 9449)
 * @param notifyUser         the user is emailed when Session Guard ends their sessions for a replay, a password
 *                           reset or a disabled account
 */
public record TierPolicy(
        long idleTimeout,
        long maxLifespan,
        long accessTokenLifespan,
        long reauthMaxAge,
        boolean reauthAfterIdle,
        long reuseGracePeriod,
        boolean rotateRefreshTokens,
        boolean revokeSessionOnReuse,
        boolean revocationEndsSession,
        boolean offlineAccess,
        boolean endSessionsOnCredentialChange,
        boolean requirePkce,
        boolean refuseLegacyGrants,
        boolean requireDpop,
        boolean notifyUser) {

    /**
     * The policy that honours both: the shorter of every duration and the safer of every switch. Used when
     * more than one client policy puts a client under a tier, because every matching executor enforces its
     * own limits and the strictest one is what the client experiences.
     */
    public TierPolicy strictest(TierPolicy other) {
        return new TierPolicy(
                Math.min(idleTimeout, other.idleTimeout),
                Math.min(maxLifespan, other.maxLifespan),
                Math.min(accessTokenLifespan, other.accessTokenLifespan),
                Math.min(reauthMaxAge, other.reauthMaxAge),
                reauthAfterIdle || other.reauthAfterIdle,
                Math.min(reuseGracePeriod, other.reuseGracePeriod),
                rotateRefreshTokens || other.rotateRefreshTokens,
                revokeSessionOnReuse || other.revokeSessionOnReuse,
                revocationEndsSession || other.revocationEndsSession,
                offlineAccess && other.offlineAccess,
                endSessionsOnCredentialChange || other.endSessionsOnCredentialChange,
                requirePkce || other.requirePkce,
                refuseLegacyGrants || other.refuseLegacyGrants,
                requireDpop || other.requireDpop,
                notifyUser || other.notifyUser);
    }
}
