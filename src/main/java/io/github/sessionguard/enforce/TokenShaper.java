package io.github.sessionguard.enforce;

import io.github.sessionguard.tier.AuthTime;
import io.github.sessionguard.tier.ConfiguredTier;
import io.github.sessionguard.tier.TierRefusal;
import org.keycloak.common.util.Time;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.IDToken;
import org.keycloak.representations.JsonWebToken;
import org.keycloak.representations.RefreshToken;
import org.keycloak.util.TokenUtil;

/**
 * Shapes the tokens of a response before Keycloak signs them, so that no token of the client outlives its tier:
 * access and ID tokens live at most access-token-lifespan, refresh tokens die after idle-timeout, and nothing lives
 * past max-lifespan counted from the user's authentication. Where that leaves nothing to issue, it refuses.
 */
final class TokenShaper {

    private final ConfiguredTier tier;

    TokenShaper(ConfiguredTier tier) {
        this.tier = tier;
    }

    /** Refuses a response the tier forbids outright: past the absolute lifetime, or an offline token. */
    void refuseForbidden(UserSessionModel userSession, RefreshToken refreshToken) throws TierRefusal {
        if (caps(userSession).pastAbsoluteDeadline()) {
            throw TierRefusal.invalidGrant("The session is older than the max-lifespan of session tier '"
                    + tier.tier().id() + "'; the user must sign in again");
        }
        if (refreshToken != null && TokenUtil.TOKEN_TYPE_OFFLINE.equals(refreshToken.getType())
                && !tier.policy().offlineAccess()) {
            throw TierRefusal.invalidGrant("Offline tokens are not allowed for clients in session tier '"
                    + tier.tier().id() + "' (offline-access is false)");
        }
    }

    void cap(UserSessionModel userSession, AccessToken accessToken, RefreshToken refreshToken) {
        if (accessToken != null) {
            accessToken.exp(caps(userSession, accessToken).accessTokenExpiry(expiryOf(accessToken)));
        }
        if (refreshToken != null) {
            refreshToken.exp(caps(userSession, refreshToken).refreshTokenExpiry(expiryOf(refreshToken)));
        }
    }

    void capIdToken(IDToken idToken, UserSessionModel userSession) {
        idToken.exp(caps(userSession, idToken).accessTokenExpiry(expiryOf(idToken)));
    }

    private TokenLifetimeCaps caps(UserSessionModel userSession) {
        return new TokenLifetimeCaps(tier.policy(), Time.currentTime(), AuthTime.of(userSession));
    }

    /** A token's lifetime counts from when it was issued, which may be a second before it is shaped. */
    private TokenLifetimeCaps caps(UserSessionModel userSession, JsonWebToken token) {
        Long issuedAt = token.getIat();
        long from = issuedAt == null || issuedAt <= 0 ? Time.currentTime() : issuedAt;
        return new TokenLifetimeCaps(tier.policy(), from, AuthTime.of(userSession));
    }

    private static long expiryOf(JsonWebToken token) {
        Long exp = token.getExp();
        return exp == null ? 0 : exp;
    }
}
