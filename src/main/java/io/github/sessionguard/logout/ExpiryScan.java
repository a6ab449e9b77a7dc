package io.github.sessionguard.logout;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;

/**
 * One pass over the participations that are due for a look ({@code CHECK_AT} passed): a session Keycloak has expired
 * or removed is told to its participants; a client whose tier idle or absolute deadline passed loses its part of the
 * session and is told; anything still alive is stamped with its next check. It reads only due rows, so its cost
 * follows what is expiring, not how many sessions live.
 */
final class ExpiryScan {

    private static final Logger LOG = Logger.getLogger(ExpiryScan.class);
    /**
     * How long each scan takes, tagged {@code work=due} when it found due participations and {@code work=none} when it
     * found nothing to do; the benchmark compares the scans that work across numbers of live sessions.
     */
    private static final Timer SCAN_WITH_WORK = scanTimer("due");
    private static final Timer SCAN_WITHOUT_WORK = scanTimer("none");

    private final KeycloakSession session;
    private final int batchSize;

    ExpiryScan(KeycloakSession session, int batchSize) {
        this.session = session;
        this.batchSize = batchSize;
    }

    /** @return how many due participations were looked at */
    int run() {
        long started = System.nanoTime();
        int looked = 0;
        try {
            looked = scan();
            return looked;
        } finally {
            (looked > 0 ? SCAN_WITH_WORK : SCAN_WITHOUT_WORK).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private static Timer scanTimer(String work) {
        return Timer.builder("session_guard_expiry_scan").description("Duration of one expiry scan")
                .tag("work", work).register(Metrics.globalRegistry);
    }

    private int scan() {
        long now = Time.currentTime();
        SessionParticipants participants = new SessionParticipants(session);
        List<SessionParticipantEntity> due = participants.due(now, batchSize);
        SessionDeaths deaths = new SessionDeaths(session);
        for (SessionParticipantEntity participant : due) {
            RealmModel realm = session.realms().getRealm(participant.getRealmId());
            if (realm == null) {
                participants.forget(participant);
                continue;
            }
            session.getContext().setRealm(realm);
            check(realm, participant, now, participants, deaths);
        }
        if (!due.isEmpty()) {
            LOG.debugf("Expiry scan looked at %d due participations", due.size());
        }
        return due.size();
    }

    private void check(RealmModel realm, SessionParticipantEntity participant, long now,
            SessionParticipants participants, SessionDeaths deaths) {
        UserSessionModel userSession = SessionLookup.userSession(session, realm, participant.getUserSessionId(),
                participant.isOffline());
        AuthenticatedClientSessionModel clientSession = userSession == null ? null
                : userSession.getAuthenticatedClientSessionByClient(participant.getClientUuid());
        if (clientSession == null) {
            deaths.sessionGone(realm, participant, EndReason.SESSION_EXPIRED);
            return;
        }
        long lastSeen = Math.max(participant.getLastSeen(), clientSession.getTimestamp());
        Long idle = participant.getTierIdleSeconds();
        Long maxDeadline = participant.getTierMaxDeadline();
        if (idle != null && now >= lastSeen + idle) {
            deaths.clientExpired(realm, userSession, clientSession, EndReason.TIER_IDLE_TIMEOUT);
        } else if (maxDeadline != null && now >= maxDeadline) {
            deaths.clientExpired(realm, userSession, clientSession, EndReason.TIER_MAX_LIFESPAN);
        } else {
            participant.setLastSeen(lastSeen);
            participant.setCheckAt(SessionParticipants.nextCheck(participant, realm, userSession.getStarted(), now));
        }
    }
}
