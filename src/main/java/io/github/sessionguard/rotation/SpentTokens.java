package io.github.sessionguard.rotation;

import io.github.sessionguard.tier.TierRefusal;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.SingleUseObjectProvider;

/**
 * Which refresh tokens have been exchanged, in Keycloak's single-use object store: atomic, shared by every node of a
 * cluster, and written at once (not at commit), so that two requests with one token never both win. A store that
 * can't answer is reported as unavailable, never taken as "already spent": that would end a session for a network
 * fault.
 */
final class SpentTokens {

    private static final Logger LOG = Logger.getLogger(SpentTokens.class);
    private static final String KEY_PREFIX = "session-guard.refresh-token-used.";

    private final KeycloakSession session;

    SpentTokens(KeycloakSession session) {
        this.session = session;
    }

    /** @return true if this request spent the token now, false if it had been spent before */
    boolean spend(String tokenId, long lifespanSeconds) throws TierRefusal {
        try {
            SingleUseObjectProvider store = session.singleUseObjects();
            if (store.putIfAbsent(KEY_PREFIX + tokenId, lifespanSeconds)) {
                return true;
            }
            // Keycloak's store answers false for an error of a remote cache too; only a marker that is there
            // means the token was spent.
            if (store.contains(KEY_PREFIX + tokenId)) {
                return false;
            }
            LOG.warnf("Single-use store refused to mark refresh token %s as spent and holds no marker for it", tokenId);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Single-use store failed while spending refresh token %s", tokenId);
        }
        throw TierRefusal.unavailable("The refresh-token rotation state can't be reached; retry the request");
    }

    /** Makes a token usable again after the request that spent it failed. */
    static void unspend(SingleUseObjectProvider store, String tokenId) {
        store.remove(KEY_PREFIX + tokenId);
    }
}
