package io.github.sessionguard.enforce;

import io.github.sessionguard.tier.ClientTierResolver;
import io.github.sessionguard.tier.ClientTokenSettings;
import io.github.sessionguard.tier.ClientTokenSettings.Weakness;
import io.github.sessionguard.tier.ConfiguredTier;
import io.github.sessionguard.tier.EffectiveTier;
import io.github.sessionguard.tier.Grant;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.keycloak.OAuthErrorException;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.ErrorResponseException;

/**
 * Refuses an update of a client (admin console, admin REST, dynamic client registration) that would give it a
 * forgeable signature or a token-leaking grant its tier forbids: otherwise it is stored, and from then on the tier
 * refuses the client's token requests, a silent outage instead of a refused edit. Keycloak raises its client-policy
 * update event only for the policies whose conditions vote on it, and most abstain there ({@code client-scopes},
 * {@code client-roles}, ...); every update of a client raises the model's {@link ClientModel.ClientUpdatedEvent}, in
 * the updating transaction, and the tier is the one resolver's, so every condition selects the client here.
 */
final class ClientUpdateCheck {

    private final KeycloakSession session;

    private ClientUpdateCheck(KeycloakSession session) {
        this.session = session;
    }

    static void register(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof ClientModel.ClientUpdatedEvent updated) {
                new ClientUpdateCheck(updated.getKeycloakSession()).check(updated.getUpdatedClient());
            }
        });
    }

    /**
     * The client holds the update already, uncommitted. A refusal is an {@link ErrorResponseException}: Keycloak rolls
     * the transaction back and answers 400 {@code invalid_client_metadata} with its description.
     */
    private void check(ClientModel client) {
        ClientTokenSettings after = ClientTokenSettings.of(client);
        if (after.weakSignatures().isEmpty() && after.legacyGrants().isEmpty()) {
            return;
        }
        Optional<ClientTokenSettings> before = committed(client);
        if (before.isEmpty()) {
            // A client being created or imported: it has no "before", and it gets tokens only once the tier allows.
            return;
        }
        List<Weakness> introduced = after.introducedSince(before.get());
        if (introduced.isEmpty()) {
            return;
        }
        Map<Grant, EffectiveTier> tiers = new ClientTierResolver(session).resolveEveryGrant(client.getRealm(), client);
        List<Weakness> refused = new ArrayList<>();
        Optional<ConfiguredTier> refusing = Optional.empty();
        for (Weakness weakness : introduced) {
            Optional<ConfiguredTier> forbidding = tiers.entrySet().stream()
                    .filter(entry -> weakness.affects(entry.getKey()))
                    .flatMap(entry -> entry.getValue().applied().stream())
                    .filter(weakness::forbiddenBy)
                    .reduce(ConfiguredTier::strictestWith);
            if (forbidding.isPresent()) {
                refused.add(weakness);
                refusing = refusing.map(tier -> tier.strictestWith(forbidding.get())).or(() -> forbidding);
            }
        }
        if (!refused.isEmpty()) {
            throw new ErrorResponseException(OAuthErrorException.INVALID_CLIENT_METADATA, "Client '"
                    + client.getClientId() + "' is in session tier '" + refusing.orElseThrow().tier().id()
                    + "', which forbids " + TokenHardening.explained(refused), Response.Status.BAD_REQUEST);
        }
    }

    /** The client as committed, read in a transaction of its own; empty while it is being created. */
    private Optional<ClientTokenSettings> committed(ClientModel client) {
        String realmId = client.getRealm().getId();
        return Optional.ofNullable(KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(),
                null, own -> {
                    RealmModel realm = own.realms().getRealm(realmId);
                    ClientModel stored = realm == null ? null : own.clients().getClientById(realm, client.getId());
                    return stored == null ? null : ClientTokenSettings.of(stored);
                }, "session-guard: a client before its update"));
    }
}
