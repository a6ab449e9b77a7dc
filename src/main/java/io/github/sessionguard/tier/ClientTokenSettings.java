package io.github.sessionguard.tier;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.keycloak.crypto.Algorithm;
import org.keycloak.models.ClientModel;
import org.keycloak.protocol.oidc.OIDCAdvancedConfigWrapper;
import org.keycloak.protocol.oidc.OIDCConfigAttributes;
import org.keycloak.representations.idm.ClientRepresentation;

/**
 * The settings of a client that decide how forgeable its tokens are and whether it may use the token-leaking grants.
 * Read from the stored client, or from what an administrator proposes to store, so that the admin update check, the
 * refusal of token requests and the posture report judge the same values the same way.
 *
 * @param accessTokenAlgorithm   {@code access.token.signed.response.alg}; null: the realm's default (asymmetric)
 * @param idTokenAlgorithm       {@code id.token.signed.response.alg}; null: the realm's default
 * @param userInfoAlgorithm      {@code user.info.response.signature.alg}; null: userinfo answers plain JSON
 * @param implicitFlow           implicit (and hybrid with tokens) responses are switched on
 * @param directAccessGrants     the password grant is switched on
 */
public record ClientTokenSettings(
        String accessTokenAlgorithm,
        String idTokenAlgorithm,
        String userInfoAlgorithm,
        boolean implicitFlow,
        boolean directAccessGrants) {

    /** The signature settings, by the attribute an administrator sets (the names the admin REST API uses). */
    public static final String ACCESS_TOKEN = OIDCConfigAttributes.ACCESS_TOKEN_SIGNED_RESPONSE_ALG;
    public static final String ID_TOKEN = OIDCConfigAttributes.ID_TOKEN_SIGNED_RESPONSE_ALG;
    public static final String USER_INFO = OIDCConfigAttributes.USER_INFO_RESPONSE_SIGNATURE_ALG;
    public static final String IMPLICIT_FLOW = "implicitFlowEnabled";
    public static final String DIRECT_ACCESS_GRANTS = "directAccessGrantsEnabled";

    /** HMAC: whoever can verify such a token can also forge one, every resource server included. */
    private static final Set<String> SYMMETRIC = Set.of(Algorithm.HS256, Algorithm.HS384, Algorithm.HS512);

    /** One setting with the value that makes it weak. */
    public record Weakness(String setting, String value) {

        public String describe() {
            return "'" + setting + "' = '" + value + "'";
        }

        public boolean isSignature() {
            return setting.equals(ACCESS_TOKEN) || setting.equals(ID_TOKEN) || setting.equals(USER_INFO);
        }
    }

    public static ClientTokenSettings of(ClientModel client) {
        OIDCAdvancedConfigWrapper config = OIDCAdvancedConfigWrapper.fromClientModel(client);
        return new ClientTokenSettings(client.getAttribute(ACCESS_TOKEN), config.getIdTokenSignedResponseAlg(),
                config.getUserInfoSignedResponseAlg(), client.isImplicitFlowEnabled(),
                client.isDirectAccessGrantsEnabled());
    }

    /**
     * What the client would be after an update: Keycloak keeps what the proposal leaves out (a missing attribute or
     * a null switch), and removes an attribute proposed empty.
     */
    public static ClientTokenSettings proposed(ClientRepresentation proposal, ClientModel current) {
        ClientTokenSettings now = of(current);
        Map<String, String> attributes = proposal.getAttributes() == null ? Map.of() : proposal.getAttributes();
        return new ClientTokenSettings(
                attributes.containsKey(ACCESS_TOKEN) ? attributes.get(ACCESS_TOKEN) : now.accessTokenAlgorithm,
                attributes.containsKey(ID_TOKEN) ? attributes.get(ID_TOKEN) : now.idTokenAlgorithm,
                attributes.containsKey(USER_INFO) ? attributes.get(USER_INFO) : now.userInfoAlgorithm,
                proposal.isImplicitFlowEnabled() == null ? now.implicitFlow : proposal.isImplicitFlowEnabled(),
                proposal.isDirectAccessGrantsEnabled() == null ? now.directAccessGrants
                        : proposal.isDirectAccessGrantsEnabled());
    }

    /** {@code none}, or a symmetric (HMAC) algorithm. */
    public static boolean isWeakAlgorithm(String algorithm) {
        if (algorithm == null || algorithm.isBlank()) {
            return false;
        }
        String alg = algorithm.trim();
        return alg.toLowerCase(Locale.ROOT).equals("none") || SYMMETRIC.contains(alg.toUpperCase(Locale.ROOT));
    }

    /** The access, ID and userinfo signature settings that are {@code none} or symmetric. */
    public List<Weakness> weakSignatures() {
        List<Weakness> weak = new ArrayList<>();
        addIfWeak(weak, ACCESS_TOKEN, accessTokenAlgorithm);
        addIfWeak(weak, ID_TOKEN, idTokenAlgorithm);
        addIfWeak(weak, USER_INFO, userInfoAlgorithm);
        return weak;
    }

    /** The switches that open a token-leaking grant. */
    public List<Weakness> legacyGrants() {
        List<Weakness> legacy = new ArrayList<>();
        if (implicitFlow) {
            legacy.add(new Weakness(IMPLICIT_FLOW, "true"));
        }
        if (directAccessGrants) {
            legacy.add(new Weakness(DIRECT_ACCESS_GRANTS, "true"));
        }
        return legacy;
    }

    /**
     * What a tier forbids in these settings that {@code before} did not have yet: the weaknesses an update would
     * introduce. A weakness the client already had is the posture report's to show, not the update's to refuse, so
     * that an administrator can still edit everything else of a client that entered the tier weak.
     */
    public List<Weakness> introducedUnder(ConfiguredTier tier, ClientTokenSettings before) {
        List<Weakness> introduced = new ArrayList<>();
        if (tier.tier().forbidsWeakSignatures()) {
            weakSignatures().stream().filter(weakness -> !before.weakSignatures().contains(weakness))
                    .forEach(introduced::add);
        }
        if (tier.policy().refuseLegacyGrants()) {
            legacyGrants().stream().filter(weakness -> !before.legacyGrants().contains(weakness))
                    .forEach(introduced::add);
        }
        return introduced;
    }

    private static void addIfWeak(List<Weakness> weak, String setting, String algorithm) {
        if (isWeakAlgorithm(algorithm)) {
            weak.add(new Weakness(setting, algorithm.trim()));
        }
    }
}
