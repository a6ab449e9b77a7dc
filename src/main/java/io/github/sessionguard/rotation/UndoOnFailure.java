package io.github.sessionguard.rotation;

import java.util.Objects;
import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * A token is spent only if its request succeeds. Enlisted after the request's own transaction, before rotation writes
 * anything, and told what each write did as it happens: if the request rolls back (a refusal, a store that failed
 * half-way, the response failing after the rotation, or the commit), what this request wrote is undone, unless a later
 * request has rotated the same token meanwhile (a retry within grace), whose rotation must stand.
 */
final class UndoOnFailure extends AbstractKeycloakTransaction {

    private static final Logger LOG = Logger.getLogger(UndoOnFailure.class);

    private final KeycloakSessionFactory factory;
    private final String exchangedTokenId;
    private final long recordLifespan;
    private String spentTokenId;
    private LastRotation rotation;
    private LastRotation previous;

    UndoOnFailure(KeycloakSessionFactory factory, String exchangedTokenId, long recordLifespan) {
        this.factory = factory;
        this.exchangedTokenId = exchangedTokenId;
        this.recordLifespan = recordLifespan;
    }

    /**
     * This request marked {@code spentTokenId} as spent and is about to record {@code rotation}.
     *
     * @param previous the rotation record this request replaces, put back on undo; null if there was none
     */
    void spent(String spentTokenId, LastRotation rotation, LastRotation previous) {
        this.spentTokenId = spentTokenId;
        this.rotation = rotation;
        this.previous = previous;
    }

    @Override
    protected void commitImpl() {
        // The request succeeded: the rotation stands.
    }

    @Override
    protected void rollbackImpl() {
        if (spentTokenId == null) {
            return;
        }
        KeycloakModelUtils.runJobInTransaction(factory, undoing -> {
            var store = undoing.singleUseObjects();
            LastRotation current = LastRotation.of(store, exchangedTokenId);
            // This request's record, or the one it found (its own write failed): either is this request's to undo.
            boolean ours = current == null || Objects.equals(current.issuedTokenId(), rotation.issuedTokenId())
                    || current.equals(previous);
            if (!ours) {
                return;
            }
            LOG.debugf("Request failed after rotating refresh token %s; the rotation is undone", exchangedTokenId);
            SpentTokens.unspend(store, spentTokenId);
            if (previous == null) {
                LastRotation.forget(store, exchangedTokenId);
            } else {
                previous.rememberIn(store, exchangedTokenId, recordLifespan);
            }
        });
    }
}
