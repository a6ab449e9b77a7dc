package io.github.sessionguard.admin;

import io.github.sessionguard.tier.ClientTierResolver;
import io.github.sessionguard.tier.EffectiveTier;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/** Session Guard's admin REST API of one realm. It reads from the capability packages and decides nothing itself. */
public final class SessionGuardAdminResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;

    SessionGuardAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
    }

    /** The effective session policy of the client whose OAuth client_id is given, and where the realm caps it. */
    @GET
    @Path("clients/{clientId}")
    @Produces(MediaType.APPLICATION_JSON)
    public EffectivePolicyRepresentation effectivePolicy(@PathParam("clientId") String clientId) {
        // Checked before the lookup, so that a caller who may not see clients can't probe which ones exist.
        auth.clients().requireList();
        ClientModel client = realm.getClientByClientId(clientId);
        if (client == null) {
            throw new NotFoundException("No client '" + clientId + "' in realm '" + realm.getName() + "'");
        }
        auth.clients().requireView(client);
        EffectiveTier effective = new ClientTierResolver(session).resolve(realm, client);
        return EffectivePolicyRepresentation.of(realm, client, effective);
    }
}
