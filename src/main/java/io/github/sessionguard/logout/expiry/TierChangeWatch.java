package io.github.sessionguard.logout.expiry;

import io.github.sessionguard.logout.participants.ParticipantStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Notices, on this node, that a realm's client profiles or policies changed (where tiers are configured and assigned;
 * Keycloak raises no event for it), and makes every participation of that realm due, so that the scan settles it by
 * the tier now in force: a stricter tier doesn't wait for the look the old one scheduled. A realm is compared with
 * what this node saw at its previous scan (a realm created since counts as changed); a change made while no node ran
 * reaches a session at its scheduled look.
 */
final class TierChangeWatch {

    private static final Logger LOG = Logger.getLogger(TierChangeWatch.class);

    /** Realm id to the fingerprint of its client profiles and policies, as this node's previous scan saw them. */
    private volatile Map<String, String> seen = Map.of();
    /** The first pass only learns what the realms look like: every node start would otherwise move every row. */
    private volatile boolean learned;

    /**
     * Runs in the caller's transaction; what it saw counts only once the rows are moved, so a failure is noticed
     * again at the next scan.
     *
     * @return how many participations were made due
     */
    int pullForwardChanged(KeycloakSession session, long now) {
        Map<String, String> present = new HashMap<>();
        int moved = 0;
        for (RealmModel realm : session.realms().getRealmsStream().toList()) {
            String fingerprint = fingerprint(realm);
            present.put(realm.getId(), fingerprint);
            if (learned && !fingerprint.equals(seen.get(realm.getId()))) {
                int realmMoved = new ParticipantStore(session).pullForwardRealm(realm.getId(), now);
                LOG.debugf("Client profiles or policies of realm %s changed: %d participations are looked at again"
                        + " by the tier now in force", realm.getName(), realmMoved);
                moved += realmMoved;
            }
        }
        seen = Map.copyOf(present);
        learned = true;
        return moved;
    }

    private static String fingerprint(RealmModel realm) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String attribute : new String[] {Constants.CLIENT_PROFILES, Constants.CLIENT_POLICIES}) {
                String value = realm.getAttribute(attribute);
                digest.update((value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return Base64.getEncoder().encodeToString(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
