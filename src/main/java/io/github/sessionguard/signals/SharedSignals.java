package io.github.sessionguard.signals;

import io.github.sessionguard.logout.outbox.DeathReason;
import io.github.sessionguard.logout.participants.Participant;
import io.github.sessionguard.logout.participants.ParticipantStore;
import io.github.sessionguard.logout.participants.SessionLookup;
import jakarta.ws.rs.core.PathSegment;
import jakarta.ws.rs.core.UriInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.keycloak.common.Profile;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.ssf.Ssf;

/**
 * Where the funnel hands a death to the realm's Shared Signals receivers, when Keycloak's SSF transmitter is on
 * (server feature {@code ssf} and realm attribute {@code ssf.transmitterEnabled}); otherwise it does nothing. Each
 * death becomes one CAEP {@code session-revoked} per receiver, with Session Guard's reason and who caused it (and a
 * disabled user's, one RISC {@code account-disabled} besides); the {@code LOGOUT} events of the deaths it signals
 * carry {@link #SIGNALLED_BY}, and Keycloak's own mapper skips those ({@link SignallingEventListenerFactory}). Keycloak's classes of SSF are touched only once both switches are on, so
 * Session Guard loads and works the same without them.
 */
public final class SharedSignals {

    /** The detail on a death's {@code LOGOUT} event that says Session Guard signalled the death itself. */
    public static final String SIGNALLED_BY = "signalled_by";
    public static final String SESSION_GUARD = "session-guard";
    private static final String SIGNALLED_ATTRIBUTE = "session-guard.signals.sessions";
    /** In the set of what was signalled in this transaction, beside session ids: a user's account. */
    private static final String ACCOUNT = "account ";
    private static final Logger LOG = Logger.getLogger(SharedSignals.class);

    private final KeycloakSession session;

    public SharedSignals(KeycloakSession session) {
        this.session = session;
    }

    /** Whether the realm's receivers hear of deaths: Keycloak's transmitter is on, on the server and in the realm. */
    public static boolean on(RealmModel realm) {
        // Ssf.SSF_TRANSMITTER_ENABLED_KEY is a constant the compiler copies here: Ssf itself is never loaded.
        return Profile.isFeatureEnabled(Profile.Feature.SSF)
                && Boolean.parseBoolean(realm.getAttribute(Ssf.SSF_TRANSMITTER_ENABLED_KEY));
    }

    /** Whether the event is the {@code LOGOUT} of a death Session Guard signalled. */
    public static boolean signalled(Event event) {
        return event.getType() == EventType.LOGOUT && event.getDetails() != null
                && SESSION_GUARD.equals(event.getDetails().get(SIGNALLED_BY));
    }

    /**
     * The whole (online or offline) session ended in this transaction. Its online and offline halves share the id a
     * receiver knows, and die together in one transaction when they do: signalled once.
     */
    public void sessionEnded(RealmModel realm, UserSessionModel userSession, DeathReason reason, String issuer) {
        if (!on(realm)) {
            return;
        }
        Death death = new Death(userSession.getUser().getId(), userSession.getId(), null, reason, Initiator.of(reason),
                issuer);
        if (firstTime(userSession.getId())) {
            send(realm, death);
        }
        if (reason == DeathReason.USER_DISABLED && firstTime(ACCOUNT + death.userId())) {
            signal(realm, death, transmission -> transmission.accountDisabled(realm, death));
        }
    }

    /** One application's part of a live session ended: the receiver hears of that part, the session lives on. */
    public void clientEnded(RealmModel realm, UserSessionModel userSession, ClientModel client, DeathReason reason,
            String issuer) {
        if (on(realm)) {
            send(realm, new Death(userSession.getUser().getId(), userSession.getId(), client.getClientId(), reason,
                    Initiator.of(reason), issuer));
        }
    }

    /**
     * A participation of a session that has already ended was settled (after it was forgotten). The expiry scan
     * settles each participation of a session in a transaction of its own: the death is signalled with the last of
     * them.
     */
    public void sessionAlreadyEnded(RealmModel realm, Participant participant, DeathReason reason) {
        if (on(realm) && !new ParticipantStore(session).anyOf(participant.userSessionId(), participant.offline())
                && firstTime(participant.userSessionId())) {
            send(realm, new Death(participant.userId(), participant.userSessionId(), null, reason,
                    Initiator.of(reason), participant.issuer()));
        }
    }

    /**
     * A page of participations whose sessions all ended in this transaction (a realm sign-out) was settled: each
     * session is signalled once, however many of its participations the page holds, or the pages before it.
     */
    public void sessionsAlreadyEnded(RealmModel realm, List<Participant> participants, DeathReason reason) {
        if (!on(realm)) {
            return;
        }
        for (Participant participant : participants) {
            if (firstTime(participant.userSessionId())) {
                send(realm, new Death(participant.userId(), participant.userSessionId(), null, reason,
                        Initiator.of(reason), participant.issuer()));
            }
        }
    }

    /** A participation whose client's part of a live session Keycloak has already ended was settled. */
    public void clientAlreadyEnded(RealmModel realm, Participant participant, ClientModel client,
            DeathReason reason) {
        if (on(realm)) {
            send(realm, new Death(participant.userId(), participant.userSessionId(), client.getClientId(), reason,
                    Initiator.of(reason), participant.issuer()));
        }
    }

    /**
     * Keycloak ends a session itself and tells its clients through the OIDC protocol, once per client. Where the user
     * asked for it, Keycloak's own {@code LOGOUT} event is signalled by Keycloak, rightly. Where an administrator's
     * request did (deleting the session, signing the user out), Keycloak signals nothing, or one event for the
     * user's sessions together: Session Guard signals each session, as the administrator's.
     */
    public void endedByKeycloak(UserSessionModel userSession, AuthenticatedClientSessionModel clientSession) {
        RealmModel realm = userSession.getRealm();
        if (on(realm) && adminRequest() && firstTime(userSession.getId())) {
            send(realm, new Death(userSession.getUser().getId(), userSession.getId(), null, DeathReason.LOGOUT,
                    Initiator.ADMIN, SessionLookup.issuer(session, realm, clientSession)));
        }
    }

    private boolean adminRequest() {
        UriInfo uri = session.getContext().getUri();
        List<PathSegment> path = uri == null ? List.of() : uri.getPathSegments();
        return !path.isEmpty() && path.get(0).getPath().equals("admin");
    }

    private void send(RealmModel realm, Death death) {
        signal(realm, death, transmission -> transmission.sessionRevoked(realm, death));
    }

    /**
     * A signal that can't be built or queued (an experimental transmitter's failure) is logged and lost: it must
     * not keep the death from its relying parties, nor stop the expiry scan at that participation for good.
     */
    private void signal(RealmModel realm, Death death, Consumer<Transmission> signal) {
        try {
            signal.accept(new Transmission(session));
        } catch (RuntimeException e) {
            LOG.warnf(e, "No Shared Signals event for session %s of user %s in realm %s (%s)", death.userSessionId(),
                    death.userId(), realm.getName(), death.reason().detail());
        }
    }

    /** Whether this session (or account) is signalled for the first time in this transaction. */
    private boolean firstTime(String signalled) {
        @SuppressWarnings("unchecked")
        Set<String> before = session.getAttribute(SIGNALLED_ATTRIBUTE, Set.class);
        if (before == null) {
            before = new HashSet<>();
            session.setAttribute(SIGNALLED_ATTRIBUTE, before);
        }
        return before.add(signalled);
    }

    /** The details a death's {@code LOGOUT} event carries besides its reason. */
    public static Map<String, String> eventDetails(RealmModel realm) {
        return on(realm) ? Map.of(SIGNALLED_BY, SESSION_GUARD) : Map.of();
    }
}
