package io.github.sessionguard.logout.expiry;

import io.github.sessionguard.logout.LogoutFunnel;
import io.github.sessionguard.logout.outbox.DeathReason;
import io.github.sessionguard.logout.participants.Participant;
import io.github.sessionguard.logout.participants.ParticipantStore;
import io.github.sessionguard.logout.participants.SessionLookup;
import io.github.sessionguard.logout.participants.TierDeadlines;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.timer.TimerProvider;

/**
 * One pass over the participations that are due for a look ({@code CHECK_AT} passed): a session Keycloak has expired
 * (by its own rule, whether or not it has removed it yet) or removed is told to its participants; a client whose tier idle or absolute deadline passed, by the tier in force
 * now and the session's present auth_time, loses its part of the session and is told; anything still alive is stamped
 * with its next check.
 *
 * <p>Each due row is settled in a transaction of its own, after claiming it in the database (its {@code CHECK_AT}
 * moved on, only if nobody moved it since it was read), so that of two nodes scanning at once only one acts on it,
 * and a row that fails is rolled back alone, logged with its realm and client, and looked at again after a backoff
 * while the others go on. It reads only due rows, so its cost follows what is expiring, not how many sessions live.
 */
final class ExpiryScan {

    private static final Logger LOG = Logger.getLogger(ExpiryScan.class);
    private static final String TASK = "session-guard-expiry-scan";
    /** A claimed row whose transaction never ends (a node killed mid-way) is looked at again this much later. */
    static final long CLAIM_SECONDS = 300;
    static final long FIRST_BACKOFF_SECONDS = 60;
    static final long MAX_BACKOFF_SECONDS = 3_600;
    /**
     * How long each scan takes, tagged {@code work=due} when it found due participations and {@code work=none} when it
     * found nothing to do; the benchmark compares the scans that work across numbers of live sessions.
     */
    private static final Timer SCAN_WITH_WORK = scanTimer("due");
    private static final Timer SCAN_WITHOUT_WORK = scanTimer("none");

    private final KeycloakSessionFactory factory;
    private final int batchSize;
    private final TierChangeWatch tierChanges = new TierChangeWatch();

    ExpiryScan(KeycloakSessionFactory factory, int batchSize) {
        this.factory = factory;
        this.batchSize = batchSize;
    }

    /** The scan's place in Keycloak's timer, to cancel at server stop. */
    record Schedule(KeycloakSessionFactory factory) {
        void cancel() {
            try {
                KeycloakModelUtils.runJobInTransaction(factory,
                        session -> session.getProvider(TimerProvider.class).cancelTask(TASK));
            } catch (RuntimeException stopping) {
                LOG.debug("Could not cancel the expiry scan", stopping);
            }
        }
    }

    /**
     * Runs the scan every interval on every node. Nodes may scan at the same moment: each due row is claimed in the
     * database, so one of them acts on it.
     */
    static Schedule schedule(KeycloakSessionFactory factory, long intervalSeconds, int batchSize) {
        ExpiryScan scan = new ExpiryScan(factory, batchSize);
        KeycloakModelUtils.runJobInTransaction(factory, session -> session.getProvider(TimerProvider.class)
                .schedule(() -> scan.runSafely(intervalSeconds), intervalSeconds * 1000, TASK));
        return new Schedule(factory);
    }

    private void runSafely(long intervalSeconds) {
        try {
            run();
        } catch (RuntimeException e) {
            // Only the query for due rows can get here (each row fails on its own): the database is away.
            LOG.warnf("Expiry scan could not read due participations, will run again in %d s: %s", intervalSeconds,
                    e.getMessage());
            LOG.debug("Expiry scan failure", e);
        }
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
        KeycloakModelUtils.runJobInTransaction(factory, session -> tierChanges.pullForwardChanged(session, now));
        List<ParticipantStore.Due> due = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                session -> new ParticipantStore(session).due(now, batchSize));
        for (ParticipantStore.Due row : due) {
            try {
                KeycloakModelUtils.runJobInTransaction(factory, session -> settle(session, row, now));
            } catch (RuntimeException e) {
                failed(row, now, e);
            }
        }
        if (!due.isEmpty()) {
            LOG.debugf("Expiry scan looked at %d due participations", due.size());
        }
        return due.size();
    }

    private static void settle(KeycloakSession session, ParticipantStore.Due row, long now) {
        ParticipantStore participants = new ParticipantStore(session);
        Optional<Participant> claimed = participants.claim(row, now + CLAIM_SECONDS);
        if (claimed.isEmpty()) {
            return;
        }
        Participant participant = claimed.get();
        RealmModel realm = session.realms().getRealm(participant.realmId());
        if (realm == null) {
            participants.forget(participant);
            return;
        }
        session.getContext().setRealm(realm);
        LogoutFunnel funnel = new LogoutFunnel(session);
        UserSessionModel userSession = SessionLookup.userSession(session, realm, participant.userSessionId(),
                participant.offline());
        if (userSession != null && !AuthenticationManager.isSessionValid(realm, userSession)) {
            // Past its realm's idle or max by Keycloak's own rule, the one its token endpoint applies: dead, though
            // Keycloak removes it in its own time (its cache by the wall clock, its table by a periodic task).
            userSession = null;
        }
        AuthenticatedClientSessionModel clientSession = userSession == null ? null
                : userSession.getAuthenticatedClientSessionByClient(participant.clientUuid());
        if (userSession == null) {
            funnel.sessionAlreadyEnded(realm, participant, DeathReason.SESSION_EXPIRED);
            return;
        }
        if (clientSession == null) {
            funnel.clientAlreadyEnded(realm, participant, DeathReason.SESSION_EXPIRED);
            return;
        }
        long lastSeen = Math.max(participant.lastSeen(), clientSession.getTimestamp());
        // The tier in force now, not the one of the login: an administrator's change reaches running sessions.
        TierDeadlines tier = TierDeadlines.inForce(session, realm, clientSession.getClient(), userSession);
        if (tier.idleSeconds() != null && now >= lastSeen + tier.idleSeconds()) {
            funnel.clientEnded(realm, userSession, clientSession, DeathReason.TIER_IDLE_TIMEOUT);
        } else if (tier.maxDeadline() != null && now >= tier.maxDeadline()) {
            funnel.clientEnded(realm, userSession, clientSession, DeathReason.TIER_MAX_LIFESPAN);
        } else {
            participants.reschedule(participant, lastSeen, tier,
                    ParticipantStore.nextCheck(userSession, tier, lastSeen, now));
        }
    }

    /** The row's transaction was rolled back; it is logged with its realm and client and looked at again later. */
    private void failed(ParticipantStore.Due row, long now, RuntimeException cause) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> {
                Optional<Participant> participant = new ParticipantStore(session).find(row.id());
                int failures = participant.map(Participant::scanFailures).orElse(0);
                long backoff = Math.min(MAX_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS << Math.min(failures, 12));
                RealmModel realm = participant.map(p -> session.realms().getRealm(p.realmId())).orElse(null);
                var client = realm == null ? null : realm.getClientById(participant.get().clientUuid());
                LOG.warnf(cause, "Expiry scan failed on the participation of client %s in session %s of realm %s"
                                + " (failure %d in a row); looking again in %d s",
                        client == null ? participant.map(Participant::clientUuid).orElse("?") : client.getClientId(),
                        participant.map(Participant::userSessionId).orElse("?"),
                        realm == null ? participant.map(Participant::realmId).orElse("?") : realm.getName(),
                        failures + 1, backoff);
                new ParticipantStore(session).scanFailed(row.id(), now + backoff);
            });
        } catch (RuntimeException e) {
            LOG.warnf("Expiry scan failed on participation %s and could not record it: %s", row.id(), e.getMessage());
        }
    }
}
