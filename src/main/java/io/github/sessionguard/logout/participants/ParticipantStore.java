package io.github.sessionguard.logout.participants;

import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.SessionExpirationUtils;

/** The participants table: who took part in which session, and when it is next worth checking. */
public final class ParticipantStore {

    /** A session Keycloak should have expired but still holds is looked at again this much later. */
    static final long RECHECK_SECONDS = 60;

    /** A due row the scan could not settle, as the scan found it. */
    public record Due(String id, long checkAt) {
    }

    private final EntityManager em;

    public ParticipantStore(KeycloakSession session) {
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    /**
     * Records (or records again, after a new login to the same session) a participation.
     *
     * @param scheduledBy the tier deadlines its {@code checkAt} was computed from (kept for operators to read; the
     *                    scan decides by the tier in force when it looks)
     */
    public void save(Participant participant, TierDeadlines scheduledBy) {
        SessionParticipantEntity row = em.find(SessionParticipantEntity.class, participant.id());
        boolean fresh = row == null;
        if (fresh) {
            row = new SessionParticipantEntity();
            row.setId(participant.id());
        }
        row.setRealmId(participant.realmId());
        row.setUserSessionId(participant.userSessionId());
        row.setOffline(participant.offline());
        row.setClientUuid(participant.clientUuid());
        row.setUserId(participant.userId());
        row.setIssuer(participant.issuer());
        row.setTierIdleSeconds(scheduledBy.idleSeconds());
        row.setTierMaxDeadline(scheduledBy.maxDeadline());
        row.setLastSeen(participant.lastSeen());
        row.setCheckAt(participant.checkAt());
        row.setScanFailures(0);
        if (fresh) {
            em.persist(row);
        }
    }

    /** The id a participation has: one row per session, client, and online or offline. */
    public static String idOf(String userSessionId, String clientUuid, boolean offline) {
        return SessionParticipantEntity.idOf(userSessionId, clientUuid, offline);
    }

    /**
     * Deletes without flushing first: a mass sign-out forgets thousands of participations in one transaction, and a
     * flush before each delete would dirty-check everything the transaction holds, again and again. Nothing pending
     * can concern the row: a participation is only written at login and by the scan, never in a transaction that
     * also forgets it.
     */
    public void forget(String userSessionId, String clientUuid, boolean offline) {
        delete(SessionParticipantEntity.idOf(userSessionId, clientUuid, offline));
    }

    public void forget(Participant participant) {
        delete(participant.id());
    }

    /** A page of participations, in one statement. */
    public void forgetAll(List<Participant> participants) {
        if (participants.isEmpty()) {
            return;
        }
        em.createNamedQuery("sgDeleteParticipants").setFlushMode(FlushModeType.COMMIT)
                .setParameter("ids", participants.stream().map(Participant::id).toList()).executeUpdate();
    }

    /** Every participation of the (online or offline) session. */
    public void forgetSession(String userSessionId, boolean offline) {
        em.createNamedQuery("sgDeleteSessionParticipants").setFlushMode(FlushModeType.COMMIT)
                .setParameter("userSessionId", userSessionId).setParameter("offline", offline).executeUpdate();
    }

    /** Whether any participation of the (online or offline) session is left, as this transaction sees them. */
    public boolean anyOf(String userSessionId, boolean offline) {
        return em.createNamedQuery("sgCountSessionParticipants", Long.class).setFlushMode(FlushModeType.COMMIT)
                .setParameter("userSessionId", userSessionId).setParameter("offline", offline).getSingleResult() > 0;
    }

    private void delete(String id) {
        em.createNamedQuery("sgDeleteParticipant").setFlushMode(FlushModeType.COMMIT).setParameter("id", id)
                .executeUpdate();
    }

    /** Rows whose {@code CHECK_AT} has passed, oldest first; each must still be claimed before it is acted on. */
    public List<Due> due(long now, int limit) {
        return em.createNamedQuery("sgDueParticipants", Object[].class).setParameter("now", now).setMaxResults(limit)
                .getResultStream().map(row -> new Due((String) row[0], ((Number) row[1]).longValue())).toList();
    }

    /**
     * Claims a due row for this transaction: moves its {@code CHECK_AT} to {@code until}, only if nobody moved it
     * since it was read. The row stays locked until the transaction ends, so another node's claim waits and then
     * finds it moved.
     *
     * @return the participation, if this caller owns it now
     */
    public Optional<Participant> claim(Due due, long until) {
        int claimed = em.createNamedQuery("sgClaimParticipant").setParameter("until", until)
                .setParameter("id", due.id()).setParameter("checkAt", due.checkAt()).executeUpdate();
        if (claimed == 0) {
            return Optional.empty();
        }
        SessionParticipantEntity row = em.find(SessionParticipantEntity.class, due.id());
        if (row == null) {
            return Optional.empty();
        }
        em.refresh(row);
        return Optional.of(Participant.of(row));
    }

    /**
     * A participation still alive: remember when it was last seen, the tier deadlines in force when it was looked at
     * (what the next look was scheduled by), and when to look again.
     */
    public void reschedule(Participant participant, long lastSeen, TierDeadlines tier, long checkAt) {
        em.createNamedQuery("sgRescheduleParticipant").setParameter("lastSeen", lastSeen)
                .setParameter("tierIdle", tier.idleSeconds()).setParameter("tierMaxDeadline", tier.maxDeadline())
                .setParameter("checkAt", checkAt).setParameter("id", participant.id()).executeUpdate();
    }

    /**
     * The realm's tier configuration changed: every participation of it is due now, so that the scan settles it by
     * the tier in force (a stricter tier must not wait for the look the old one scheduled).
     *
     * @return how many were moved
     */
    public int pullForwardRealm(String realmId, long now) {
        return em.createNamedQuery("sgPullForwardRealm").setParameter("realmId", realmId).setParameter("now", now)
                .executeUpdate();
    }

    /** As {@link #pullForwardRealm}, for one client whose settings (and so perhaps its tier) changed. */
    public int pullForwardClient(String clientUuid, long now) {
        return em.createNamedQuery("sgPullForwardClient").setParameter("clientUuid", clientUuid)
                .setParameter("now", now).executeUpdate();
    }

    /** The scan failed on this row: it is looked at again after a backoff that grows with each failure in a row. */
    public void scanFailed(String id, long checkAt) {
        em.createNamedQuery("sgParticipantScanFailed").setParameter("checkAt", checkAt).setParameter("id", id)
                .executeUpdate();
    }

    public Optional<Participant> find(String id) {
        return Optional.ofNullable(em.find(SessionParticipantEntity.class, id)).map(Participant::of);
    }

    /** One page of the realm's online (or offline) participations, in id order after {@code afterId}. */
    public List<Participant> ofRealm(String realmId, boolean offline, String afterId, int limit) {
        return em.createNamedQuery("sgParticipantsOfRealm", SessionParticipantEntity.class)
                .setParameter("realmId", realmId).setParameter("offline", offline).setParameter("after", afterId)
                .setMaxResults(limit).getResultStream().map(Participant::of).toList();
    }

    /**
     * One page of the realm's online (or offline) participations whose session Keycloak's session table no longer
     * holds, as this transaction sees it (persistent user sessions, Keycloak's default).
     */
    public List<Participant> ofRealmWithoutSession(String realmId, boolean offline, String afterId, int limit) {
        return em.createNamedQuery("sgParticipantsOfRealmWithoutSession", SessionParticipantEntity.class)
                .setParameter("realmId", realmId).setParameter("offline", offline)
                .setParameter("sessionType", offline ? "1" : "0").setParameter("after", afterId)
                .setMaxResults(limit).getResultStream().map(Participant::of).toList();
    }

    /** The user's online (or offline) participations in the client: the sessions a session limit counts. */
    public List<Participant> ofUserInClient(String realmId, String userId, String clientUuid, boolean offline) {
        return em.createNamedQuery("sgParticipantsOfUserInClient", SessionParticipantEntity.class)
                .setParameter("realmId", realmId).setParameter("userId", userId).setParameter("clientUuid", clientUuid)
                .setParameter("offline", offline).getResultStream().map(Participant::of).toList();
    }

    public int purgeRealm(String realmId) {
        return em.createNamedQuery("sgPurgeParticipantsOfRealm").setParameter("realmId", realmId).executeUpdate();
    }

    public int purgeClient(String clientUuid) {
        return em.createNamedQuery("sgPurgeParticipantsOfClient").setParameter("clientUuid", clientUuid)
                .executeUpdate();
    }

    public int purgeUser(String realmId, String userId) {
        return em.createNamedQuery("sgPurgeParticipantsOfUser").setParameter("realmId", realmId)
                .setParameter("userId", userId).executeUpdate();
    }

    /**
     * The next moment something about this participation may have expired: when Keycloak's own rule would end the
     * session (the realm's idle and max, their remember-me values for a remember-me session, the offline ones for an
     * offline session), or the tier deadline in force, whichever comes first.
     *
     * @param lastSeen the client's last use in the session, epoch seconds
     */
    public static long nextCheck(UserSessionModel userSession, TierDeadlines tier, long lastSeen, long now) {
        RealmModel realm = userSession.getRealm();
        boolean offline = userSession.isOffline();
        // As Keycloak's AuthenticationManager#isSessionValid decides it; the realm switching remember-me off ends
        // such sessions, and then the ordinary values apply.
        boolean rememberMe = userSession.isRememberMe() && realm.isRememberMe();
        long refreshed = Math.max(lastSeen, userSession.getLastSessionRefresh());
        long check = TimeUnit.MILLISECONDS.toSeconds(SessionExpirationUtils.calculateUserSessionIdleTimestamp(offline,
                rememberMe, TimeUnit.SECONDS.toMillis(refreshed), realm));
        long maxEnds = SessionExpirationUtils.calculateUserSessionMaxLifespanTimestamp(offline, rememberMe,
                TimeUnit.SECONDS.toMillis(userSession.getStarted()), realm);
        if (maxEnds >= 0) {
            check = Math.min(check, TimeUnit.MILLISECONDS.toSeconds(maxEnds));
        }
        if (tier.idleSeconds() != null) {
            check = Math.min(check, lastSeen + tier.idleSeconds());
        }
        if (tier.maxDeadline() != null) {
            check = Math.min(check, tier.maxDeadline());
        }
        return check > now ? check : now + RECHECK_SECONDS;
    }
}
