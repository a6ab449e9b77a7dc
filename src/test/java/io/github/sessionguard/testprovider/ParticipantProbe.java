package io.github.sessionguard.testprovider;

import io.github.sessionguard.logout.participants.Participant;
import io.github.sessionguard.logout.participants.ParticipantStore;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resource.RealmResourceProvider;

/**
 * Shows a test when the expiry scan will next look at one participation ({@code CHECK_AT}), and how many tries of
 * logout notifications a realm's outbox holds: what no admin endpoint shows and a test on H2 can't read from the
 * database while the server holds it. Only test servers get it.
 */
final class ParticipantProbe implements RealmResourceProvider {

    private final KeycloakSession session;

    ParticipantProbe(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Object getResource() {
        return this;
    }

    /** The online participation of the client (by its client_id) in the user session. */
    @GET
    @Path("participants/{userSessionId}/{clientId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> participant(@PathParam("userSessionId") String userSessionId,
            @PathParam("clientId") String clientId) {
        RealmModel realm = session.getContext().getRealm();
        ClientModel client = realm.getClientByClientId(clientId);
        if (client == null) {
            throw new NotFoundException("No client " + clientId);
        }
        Participant participant = new ParticipantStore(session)
                .find(ParticipantStore.idOf(userSessionId, client.getId(), false))
                .orElseThrow(() -> new NotFoundException("No participation of " + clientId + " in " + userSessionId));
        return Map.of("checkAt", participant.checkAt(), "lastSeen", participant.lastSeen());
    }

    /**
     * The outbox's recorded tries of this realm (by its id), and of those the ones whose notification is gone: no
     * admin endpoint shows a try once its notification was purged.
     */
    @GET
    @Path("attempts")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> attempts() {
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        String realmId = session.getContext().getRealm().getId();
        long attempts = em.createQuery("select count(a) from LogoutAttemptEntity a where a.realmId = :realmId",
                Long.class).setParameter("realmId", realmId).getSingleResult();
        long orphans = em.createQuery("select count(a) from LogoutAttemptEntity a where a.realmId = :realmId"
                        + " and not exists (select n.id from LogoutNotificationEntity n where n.id = a.notificationId)",
                Long.class).setParameter("realmId", realmId).getSingleResult();
        return Map.of("attempts", attempts, "orphans", orphans);
    }

    @Override
    public void close() {
    }
}
