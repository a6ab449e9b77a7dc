package io.github.sessionguard.posture;

import io.github.sessionguard.tier.ClientTierResolver;
import io.github.sessionguard.tier.EffectiveTier;
import io.github.sessionguard.tier.Grant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;

/**
 * Builds the M9 posture report of a realm: every OpenID Connect client the realm's administrators made (Keycloak's own
 * clients and bearer-only ones, which never get tokens, are left out), judged against its tier, and the realm's own
 * settings. Changes nothing.
 */
public final class PostureAssessment {

    private final KeycloakSession session;

    public PostureAssessment(KeycloakSession session) {
        this.session = session;
    }

    /** @param deadLetters logout notifications that failed for good, as the outbox counts them (0 if it is off) */
    public PostureReport assess(RealmModel realm, int deadLetters) {
        ClientTierResolver resolver = new ClientTierResolver(session);
        List<ClientPosture> clients = new ArrayList<>();
        List<String> untiered = new ArrayList<>();
        realm.getClientsStream().filter(PostureAssessment::isAssessed).forEach(client -> {
            EffectiveTier effective = resolver.resolve(realm, client);
            Map<Grant, EffectiveTier> perGrant = resolver.resolveEveryGrant(realm, client);
            String tier = effective.tierIdOrNull();
            if (tier == null && effective.unreadable().isEmpty()) {
                untiered.add(client.getClientId());
            }
            clients.add(new ClientPosture(client.getClientId(), tier,
                    new ClientRules(realm, client, effective, perGrant).findings()));
        });
        return PostureReport.of(realm.getName(), Instant.now().toString(),
                RealmRules.findings(realm, untiered.stream().sorted().toList(), deadLetters), clients);
    }

    private static boolean isAssessed(ClientModel client) {
        return OIDCLoginProtocol.LOGIN_PROTOCOL.equals(client.getProtocol() == null ? OIDCLoginProtocol.LOGIN_PROTOCOL
                : client.getProtocol()) && !client.isBearerOnly()
                && !Constants.defaultClients.contains(client.getClientId());
    }
}
