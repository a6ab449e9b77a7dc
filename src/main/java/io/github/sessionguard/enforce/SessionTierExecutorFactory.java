package io.github.sessionguard.enforce;

import io.github.sessionguard.StatelessProviderFactory;
import io.github.sessionguard.tier.Tier;
import io.github.sessionguard.tier.TierPresets;
import io.github.sessionguard.tier.TierSetting;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProviderFactory;

/**
 * Registers the {@code session-tier} client-policy executor: the admin console's form for putting clients into a
 * security tier (Realm settings, Client policies, Profiles) and the factory of the executor that enforces it; and the
 * check that refuses client updates that would weaken a client in its tier, whatever condition puts it there.
 */
public final class SessionTierExecutorFactory implements ClientPolicyExecutorProviderFactory,
        StatelessProviderFactory<ClientPolicyExecutorProvider> {

    public static final String PROVIDER_ID = "session-tier";

    private static final List<ProviderConfigProperty> CONFIG_PROPERTIES = configProperties();

    @Override
    public ClientPolicyExecutorProvider<?> create(KeycloakSession session) {
        return new SessionTierExecutor(session);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        ClientUpdateCheck.register(factory);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "Puts the clients of this policy in a session security tier (high, medium or low: 15, 30 or 60 minutes"
                + " idle) and enforces its timeouts on every token, including past SSO. Empty values keep the tier's"
                + " preset.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG_PROPERTIES;
    }

    private static List<ProviderConfigProperty> configProperties() {
        List<ProviderConfigProperty> properties = new ArrayList<>();
        ProviderConfigProperty tier = new ProviderConfigProperty(TierSetting.TIER.key(), "Tier",
                "high: 15 min idle, 12 h max (NIST AAL3). medium: 30 min idle, 24 h max (AAL2)."
                        + " low: 60 min idle, 30 days max (AAL1).",
                ProviderConfigProperty.LIST_TYPE, Tier.HIGH.id());
        tier.setOptions(Arrays.stream(Tier.values()).map(Tier::id).toList());
        properties.add(tier);
        properties.add(duration(TierSetting.IDLE_TIMEOUT, "Idle timeout",
                "Seconds without a refresh after which the client's refresh token stops working."));
        properties.add(duration(TierSetting.MAX_LIFESPAN, "Max lifespan",
                "Seconds after the user's authentication (auth_time) past which no token of the client lives."));
        properties.add(duration(TierSetting.ACCESS_TOKEN_LIFESPAN, "Access token lifespan",
                "Longest lifetime of an access or ID token, in seconds. At most the idle timeout."));
        properties.add(duration(TierSetting.REAUTH_MAX_AGE, "Re-authentication max age",
                "Seconds after which an authorization request shows the login form instead of silent SSO."
                        + " Defaults to the max lifespan."));
        properties.add(toggle(TierSetting.REAUTH_AFTER_IDLE, "Re-authenticate after idle",
                "An authorization request (or a device's verification) shows the login form instead of silent SSO"
                        + " once this client's own last use in the SSO session is older than the idle timeout,"
                        + " however active the user's other clients are. A client's first use in a session is not"
                        + " held to it."));
        properties.add(duration(TierSetting.REUSE_GRACE_PERIOD, "Reuse grace period",
                "Seconds after a rotation in which the previous refresh token may be retried once."));
        properties.add(toggle(TierSetting.ROTATE_REFRESH_TOKENS, "Rotate refresh tokens",
                "Each refresh token can be exchanged once."));
        properties.add(toggle(TierSetting.REVOKE_SESSION_ON_REUSE, "Revoke session on reuse",
                "A replayed refresh token ends the whole user session."));
        properties.add(toggle(TierSetting.REVOCATION_ENDS_SESSION, "Revocation ends session",
                "Revoking the client's refresh token (RFC 7009) ends the whole user session."));
        properties.add(toggle(TierSetting.OFFLINE_ACCESS, "Offline access",
                "Whether the client may request offline_access."));
        properties.add(toggle(TierSetting.END_SESSIONS_ON_CREDENTIAL_CHANGE, "End sessions on credential change",
                "A password reset, disabling or deleting the user ends the sessions the client takes part in."));
        properties.add(toggle(TierSetting.REQUIRE_PKCE, "Require PKCE",
                "Authorization requests without a PKCE S256 challenge (or with 'plain') are refused."));
        properties.add(toggle(TierSetting.REFUSE_LEGACY_GRANTS, "Refuse legacy grants",
                "Implicit and hybrid responses that return tokens from the authorization endpoint, and the password"
                        + " grant, are refused."));
        properties.add(toggle(TierSetting.REQUIRE_DPOP, "Require DPoP",
                "A public client's tokens must be DPoP-bound (RFC 9449): token requests need a valid proof, refreshes"
                        + " a proof for the bound key."));
        properties.add(toggle(TierSetting.NOTIFY_USER, "Notify user",
                "The user gets an email (through the realm's SMTP settings, to a verified address) when Session Guard"
                        + " ends their sessions for a replayed refresh token, an admin password reset or a disabled"
                        + " account."));
        return List.copyOf(properties);
    }

    /** The form's boxes start blank, so the help says what a blank keeps: each tier's value, with its unit. */
    private static ProviderConfigProperty duration(TierSetting setting, String label, String help) {
        return new ProviderConfigProperty(setting.key(), label + " (seconds)",
                help + " Whole seconds. Empty keeps the tier's value: " + TierPresets.describe(setting) + ".",
                ProviderConfigProperty.STRING_TYPE, null);
    }

    /** A three-way choice rather than a switch, so that "keep the tier's preset" is something the form can say. */
    private static ProviderConfigProperty toggle(TierSetting setting, String label, String help) {
        ProviderConfigProperty property = new ProviderConfigProperty(setting.key(), label,
                help + " '" + TierSetting.PRESET + "' keeps the tier's value: " + TierPresets.describe(setting) + ".",
                ProviderConfigProperty.LIST_TYPE,
                TierSetting.PRESET);
        property.setOptions(List.of(TierSetting.PRESET, "true", "false"));
        return property;
    }
}
