package io.github.sessionguard.rotation;

import java.util.Map;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * What became of a refresh token that was exchanged, for the grace window only: which token replaced it, and when it
 * was exchanged. Kept in Keycloak's single-use object store under the exchanged token's id, for the grace period:
 * shared by every node, in memory, and, unlike client-session notes, never written to the database.
 *
 * <p>It is written in a transaction of its own, at once: the store defers a plain put to the end of the request,
 * and a mobile app that times out retries while its first request is still running. The retry must find it.
 */
record LastRotation(String issuedTokenId, long rotatedAt) {

    private static final String KEY_PREFIX = "session-guard.rotation.";
    private static final String ISSUED = "issued";
    private static final String AT = "at";

    /** @return the rotation that exchanged {@code tokenId}, or null when there was none within the grace period */
    static LastRotation of(SingleUseObjectProvider store, String tokenId) {
        Map<String, String> notes = store.get(KEY_PREFIX + tokenId);
        if (notes == null || notes.get(AT) == null) {
            return null;
        }
        return new LastRotation(notes.get(ISSUED), Long.parseLong(notes.get(AT)));
    }

    /** Remembers this rotation of {@code exchangedTokenId} for {@code lifespanSeconds}, visible to every request now. */
    void rememberNow(KeycloakSessionFactory factory, String exchangedTokenId, long lifespanSeconds) {
        KeycloakModelUtils.runJobInTransaction(factory,
                writing -> rememberIn(writing.singleUseObjects(), exchangedTokenId, lifespanSeconds));
    }

    /** Remembers it in the store of a transaction that is about to commit. */
    void rememberIn(SingleUseObjectProvider store, String exchangedTokenId, long lifespanSeconds) {
        Map<String, String> notes = issuedTokenId == null ? Map.of(AT, String.valueOf(rotatedAt))
                : Map.of(ISSUED, issuedTokenId, AT, String.valueOf(rotatedAt));
        store.put(KEY_PREFIX + exchangedTokenId, lifespanSeconds, notes);
    }

    static void forget(SingleUseObjectProvider store, String exchangedTokenId) {
        store.remove(KEY_PREFIX + exchangedTokenId);
    }

    boolean withinGrace(long now, long gracePeriod) {
        return gracePeriod > 0 && now - rotatedAt <= gracePeriod;
    }
}
