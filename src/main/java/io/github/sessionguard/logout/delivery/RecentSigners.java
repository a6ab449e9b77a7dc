package io.github.sessionguard.logout.delivery;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.keycloak.TokenCategory;
import org.keycloak.component.ComponentModel;
import org.keycloak.keys.KeyProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * The node's logout-token signers, one per realm and algorithm, kept while the realm's keys are as they were when it
 * was made. Making one looks up the realm's active key, and Keycloak's key manager builds the realm's key providers
 * anew in every Keycloak session: under load that was about 5% of delivery's samples, once per batch of 8 tokens.
 *
 * <p>The algorithm is still read for every batch, from the client as it is then. The realm's keys are judged by the
 * key-provider components Keycloak's realm cache holds: a key added, rotated, disabled or deleted is a component
 * changed, which replaces the cached realm and with it those components, here and (by the cache's invalidation) on
 * every node; the next batch then finds other instances and makes a new signer. Without the realm cache every session
 * reads new instances, and every batch looks the key up, as before. A signer is also made anew at least once a
 * minute, for what changes a key without changing its component: a certificate that expires, a keystore file
 * replaced on disk.
 */
final class RecentSigners {

    /** The longest a signer is kept, whatever the realm's components say. */
    private static final long KEPT_AT_MOST_MILLIS = 60_000;

    private final Map<String, Kept> kept = new ConcurrentHashMap<>();

    /** @param client the client whose notifications are signed, as read in {@code session} */
    LogoutTokenSigner of(KeycloakSession session, ClientModel client) {
        RealmModel realm = client.getRealm();
        // Keycloak picks the algorithm from the session's context: the client's own, else the realm's default.
        session.getContext().setRealm(realm);
        session.getContext().setClient(client);
        String algorithm = session.tokens().signatureAlgorithm(TokenCategory.LOGOUT);
        List<ComponentModel> keys = realm.getComponentsStream(realm.getId(), KeyProvider.class.getName()).toList();
        long now = System.currentTimeMillis();
        String realmAndAlgorithm = realm.getId() + "/" + algorithm;
        Kept known = kept.get(realmAndAlgorithm);
        if (known != null && known.stillFits(keys, now)) {
            return known.signer();
        }
        LogoutTokenSigner signer = committedSigner(session.getKeycloakSessionFactory(), realm.getId(), algorithm);
        // Signers past their time are never used again: drop them, so that realms deleted leave nothing behind.
        kept.values().removeIf(old -> now - old.madeAt() >= KEPT_AT_MOST_MILLIS);
        kept.put(realmAndAlgorithm, new Kept(keys, now, signer));
        return signer;
    }

    /**
     * A signer made in a transaction of its own, committed before it signs anything: a realm without a key for the
     * algorithm gets one generated (Keycloak's fallback keys), and a relying party fetching the realm's keys for the
     * token's key id must find it published. Made in the batch's transaction, the token went out before the key was
     * committed, and the relying party refused it: a dead letter.
     */
    private static LogoutTokenSigner committedSigner(KeycloakSessionFactory sessionFactory, String realmId,
            String algorithm) {
        return KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, own -> {
            own.getContext().setRealm(own.realms().getRealm(realmId));
            return LogoutTokenSigner.of(own, algorithm);
        });
    }

    /** A signer, and the realm's key components (the cache's own instances) it was made with. */
    private record Kept(List<ComponentModel> keys, long madeAt, LogoutTokenSigner signer) {

        boolean stillFits(List<ComponentModel> current, long now) {
            if (now - madeAt >= KEPT_AT_MOST_MILLIS || current.size() != keys.size()) {
                return false;
            }
            for (int i = 0; i < keys.size(); i++) {
                if (current.get(i) != keys.get(i)) {
                    return false;
                }
            }
            return true;
        }
    }
}
