package io.github.sessionguard.rotation;

import java.util.Objects;
import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * A token is spent only if its request succeeds. Enlisted after the request's own transaction: if that rolls back
 * (the response failed after the rotation, or the commit did), the rotation is undone, unless a later request
 * has rotated the same token meanwhile (a retry within grace), whose rotation must stand.
 */
final class UndoOnFailure extends AbstractKeycloakTransaction {

    private static final Logger LOG = Logger.getLogger(UndoOnFailure.class);

    private final KeycloakSessionFactory factory;
    private final String exchangedTokenId;
    private final String issuedTokenId;
    private final String spentTokenId;
    private final LastRotation previous;
    private final long recordLifespan;

    /**
     * @param spentTokenId the token this request marked as spent
     * @param previous     the rotation record this request replaced, put back on undo; null if there was none
     */
    UndoOnFailure(KeycloakSessionFactory factory, String exchangedTokenId, String issuedTokenId, String spentTokenId,
            LastRotation previous, long recordLifespan) {
        this.factory = factory;
        this.exchangedTokenId = exchangedTokenId;
        this.issuedTokenId = issuedTokenId;
        this.spentTokenId = spentTokenId;
        this.previous = previous;
        this.recordLifespan = recordLifespan;
    }

    @Override
    protected void commitImpl() {
        // The request succeeded: the rotation stands.
    }

    @Override
    protected void rollbackImpl() {
        KeycloakModelUtils.runJobInTransaction(factory, undoing -> {
            var store = undoing.singleUseObjects();
            LastRotation current = LastRotation.of(store, exchangedTokenId);
            if (current != null && !Objects.equals(current.issuedTokenId(), issuedTokenId)) {
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
