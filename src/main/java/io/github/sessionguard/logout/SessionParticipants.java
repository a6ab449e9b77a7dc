package io.github.sessionguard.logout;

import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import java.util.List;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/** The participants table: who took part in which session, and when it is next worth checking. */
final class SessionParticipants {

    /** A session Keycloak should have expired but still holds is looked at again this much later. */
    static final long RECHECK_SECONDS = 60;

    private final EntityManager em;

    SessionParticipants(KeycloakSession session) {
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    SessionParticipantEntity find(String userSessionId, String clientUuid, boolean offline) {
        return em.find(SessionParticipantEntity.class, SessionParticipantEntity.idOf(userSessionId, clientUuid, offline));
    }

    void save(SessionParticipantEntity participant) {
        if (em.find(SessionParticipantEntity.class, participant.getId()) == null) {
            em.persist(participant);
        } else {
            em.merge(participant);
        }
    }

    /**
     * Deletes the row without flushing first: a mass sign-out forgets thousands of participations in one transaction,
     * and a flush before each delete would dirty-check everything the transaction holds, again and again. Nothing
     * pending can concern the row: a participation is only written at login and by the scan, never in a transaction
     * that also forgets it.
     */
    void forget(String userSessionId, String clientUuid, boolean offline) {
        delete(SessionParticipantEntity.idOf(userSessionId, clientUuid, offline));
    }

    void forget(SessionParticipantEntity participant) {
        delete(participant.getId());
    }

    private void delete(String id) {
        em.createNamedQuery("sgDeleteParticipant").setFlushMode(FlushModeType.COMMIT).setParameter("id", id)
                .executeUpdate();
    }

    List<SessionParticipantEntity> due(long now, int limit) {
        return em.createNamedQuery("sgDueParticipants", SessionParticipantEntity.class)
                .setParameter("now", now).setMaxResults(limit).getResultList();
    }

    List<SessionParticipantEntity> ofRealm(RealmModel realm) {
        return em.createNamedQuery("sgParticipantsOfRealm", SessionParticipantEntity.class)
                .setParameter("realmId", realm.getId()).getResultList();
    }

    /**
     * The next moment something about this participation may have expired: the tier's idle or absolute deadline, or
     * when Keycloak's own realm timeouts would end the session.
     */
    static long nextCheck(SessionParticipantEntity participant, RealmModel realm, long sessionStarted, long now) {
        long lastSeen = participant.getLastSeen();
        long check = participant.isOffline()
                ? lastSeen + realm.getOfflineSessionIdleTimeout()
                : Math.min(lastSeen + realm.getSsoSessionIdleTimeout(), sessionStarted + realm.getSsoSessionMaxLifespan());
        if (participant.getTierIdleSeconds() != null) {
            check = Math.min(check, lastSeen + participant.getTierIdleSeconds());
        }
        if (participant.getTierMaxDeadline() != null) {
            check = Math.min(check, participant.getTierMaxDeadline());
        }
        return check > now ? check : now + RECHECK_SECONDS;
    }
}
