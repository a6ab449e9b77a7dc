package io.github.sessionguard.tier;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.keycloak.crypto.Algorithm;
import org.keycloak.models.ClientModel;
import org.keycloak.protocol.oidc.OIDCAdvancedConfigWrapper;
import org.keycloak.protocol.oidc.OIDCConfigAttributes;

/**
 * The settings of a client that decide how forgeable its tokens are and whether it may use the token-leaking grants,
 * read from the client and its realm, so that the admin update check, the refusal of token requests and the posture
 * report judge the same values the same way.
 *
 * @param accessTokenAlgorithm  {@code access.token.signed.response.alg}; null: the realm's default
 * @param idTokenAlgorithm      {@code id.token.signed.response.alg}; null: the realm's default
 * @param userInfoAlgorithm     {@code user.info.response.signature.alg}; null: userinfo answers plain JSON
 * @param implicitFlow          implicit (and hybrid with tokens) responses are switched on
 * @param directAccessGrants    the password grant is switched on
 * @param realmDefaultAlgorithm the realm's {@code defaultSignatureAlgorithm}, which Keycloak signs access and ID tokens
 *                              with where the client names none; null: Keycloak's own default, RS256
 */
public record ClientTokenSettings(
        String accessTokenAlgorithm,
        String idTokenAlgorithm,
        String userInfoAlgorithm,
        boolean implicitFlow,
        boolean directAccessGrants,
        String realmDefaultAlgorithm) {

    /** The signature settings, by the attribute an administrator sets (the names the admin REST API uses). */
    public static final String ACCESS_TOKEN = OIDCConfigAttributes.ACCESS_TOKEN_SIGNED_RESPONSE_ALG;
    public static final String ID_TOKEN = OIDCConfigAttributes.ID_TOKEN_SIGNED_RESPONSE_ALG;
    public static final String USER_INFO = OIDCConfigAttributes.USER_INFO_RESPONSE_SIGNATURE_ALG;
    public static final String IMPLICIT_FLOW = "implicitFlowEnabled";
    public static final String DIRECT_ACCESS_GRANTS = "directAccessGrantsEnabled";

    /** HMAC: whoever can verify such a token can also forge one, every resource server included. */
    private static final Set<String> SYMMETRIC = Set.of(Algorithm.HS256, Algorithm.HS384, Algorithm.HS512);

    /**
     * One setting with the value that makes it weak.
     *
     * @param fromRealmDefault the client leaves the setting unset, and the value is the realm's default algorithm
     */
    public record Weakness(String setting, String value, boolean fromRealmDefault) {

        public Weakness(String setting, String value) {
            this(setting, value, false);
        }

        public String describe() {
            return fromRealmDefault
                    ? "the realm's default signature algorithm '" + value + "' (used where '" + setting + "' is unset)"
                    : "'" + setting + "' = '" + value + "'";
        }

        public boolean isSignature() {
            return setting.equals(ACCESS_TOKEN) || setting.equals(ID_TOKEN) || setting.equals(USER_INFO);
        }

        /** A forgeable signature is forbidden outside tier low; a token-leaking grant where the tier refuses it. */
        public boolean forbiddenBy(ConfiguredTier tier) {
            return isSignature() ? tier.tier().forbidsWeakSignatures() : tier.policy().refuseLegacyGrants();
        }

        /**
         * Whether the tier of {@code grant} refuses the client's requests for this weakness: a signature weakens the
         * tokens of every grant, a switch opens only its own grant.
         */
        public boolean affects(Grant grant) {
            return switch (setting) {
                case IMPLICIT_FLOW -> grant == Grant.AUTHORIZATION;
                case DIRECT_ACCESS_GRANTS -> grant == Grant.PASSWORD;
                default -> true;
            };
        }

        /** The same setting with the same value, wherever the value comes from. */
        boolean sameAs(Weakness other) {
            return setting.equals(other.setting) && value.equals(other.value);
        }
    }

    public static ClientTokenSettings of(ClientModel client) {
        OIDCAdvancedConfigWrapper config = OIDCAdvancedConfigWrapper.fromClientModel(client);
        return new ClientTokenSettings(client.getAttribute(ACCESS_TOKEN), config.getIdTokenSignedResponseAlg(),
                config.getUserInfoSignedResponseAlg(), client.isImplicitFlowEnabled(),
                client.isDirectAccessGrantsEnabled(), client.getRealm().getDefaultSignatureAlgorithm());
    }

    /** {@code none}, or a symmetric (HMAC) algorithm. */
    public static boolean isWeakAlgorithm(String algorithm) {
        if (isBlank(algorithm)) {
            return false;
        }
        String alg = algorithm.trim();
        return alg.toLowerCase(Locale.ROOT).equals("none") || SYMMETRIC.contains(alg.toUpperCase(Locale.ROOT));
    }

    /**
     * The access, ID and userinfo signatures that are {@code none} or symmetric. Keycloak signs access and ID tokens
     * with the realm's default algorithm where the client sets none (its token manager); userinfo is signed only
     * where the client asks for it.
     */
    public List<Weakness> weakSignatures() {
        List<Weakness> weak = new ArrayList<>();
        addIfWeak(weak, ACCESS_TOKEN, accessTokenAlgorithm, true);
        addIfWeak(weak, ID_TOKEN, idTokenAlgorithm, true);
        addIfWeak(weak, USER_INFO, userInfoAlgorithm, false);
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
     * The weaknesses these settings have that {@code before} did not: what an update introduces. A weakness the
     * client already had is the posture report's to show, not the update's to refuse, so that an administrator can
     * still edit everything else of a client that entered its tier weak.
     */
    public List<Weakness> introducedSince(ClientTokenSettings before) {
        List<Weakness> had = new ArrayList<>(before.weakSignatures());
        had.addAll(before.legacyGrants());
        List<Weakness> now = new ArrayList<>(weakSignatures());
        now.addAll(legacyGrants());
        return now.stream().filter(weakness -> had.stream().noneMatch(weakness::sameAs)).toList();
    }

    private void addIfWeak(List<Weakness> weak, String setting, String algorithm, boolean realmDefaultApplies) {
        if (!isBlank(algorithm)) {
            if (isWeakAlgorithm(algorithm)) {
                weak.add(new Weakness(setting, algorithm.trim()));
            }
        } else if (realmDefaultApplies && isWeakAlgorithm(realmDefaultAlgorithm)) {
            weak.add(new Weakness(setting, realmDefaultAlgorithm.trim(), true));
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
