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

    /** The form, row by row from the tier model's table. */
    private static List<ProviderConfigProperty> configProperties() {
        List<ProviderConfigProperty> properties = new ArrayList<>();
        ProviderConfigProperty tier = new ProviderConfigProperty(TierSetting.TIER.key(), TierSetting.TIER.label(),
                TierSetting.TIER.help(), ProviderConfigProperty.LIST_TYPE, Tier.HIGH.id());
        tier.setOptions(Arrays.stream(Tier.values()).map(Tier::id).toList());
        properties.add(tier);
        for (TierSetting setting : TierSetting.policyValues()) {
            properties.add(switch (setting.kind()) {
                case DURATION, DURATION_OR_ZERO -> duration(setting);
                case COUNT -> count(setting);
                case CHOICE -> choice(setting);
                case SWITCH -> toggle(setting);
                case TIER -> throw new IllegalStateException("'tier' is not a policy value");
            });
        }
        return List.copyOf(properties);
    }

    /** The form's boxes start blank, so the help says what a blank keeps: each tier's value, with its unit. */
    private static ProviderConfigProperty duration(TierSetting setting) {
        return new ProviderConfigProperty(setting.key(), setting.label() + " (seconds)",
                setting.help() + " Whole seconds. Empty keeps the tier's value: " + TierPresets.describe(setting)
                        + ".",
                ProviderConfigProperty.STRING_TYPE, null);
    }

    private static ProviderConfigProperty count(TierSetting setting) {
        return new ProviderConfigProperty(setting.key(), setting.label(),
                setting.help() + " A whole number from 0 to " + TierSetting.LARGEST_COUNT
                        + ". Empty keeps the tier's value: " + TierPresets.describe(setting) + ".",
                ProviderConfigProperty.STRING_TYPE, null);
    }

    /** The choices after the preset, as a switch offers it. */
    private static ProviderConfigProperty choice(TierSetting setting) {
        ProviderConfigProperty property = new ProviderConfigProperty(setting.key(), setting.label(),
                setting.help() + " '" + TierSetting.PRESET + "' keeps the tier's value: "
                        + TierPresets.describe(setting) + ".",
                ProviderConfigProperty.LIST_TYPE, TierSetting.PRESET);
        List<String> options = new ArrayList<>(List.of(TierSetting.PRESET));
        options.addAll(setting.choices());
        property.setOptions(options);
        return property;
    }

    /** A three-way choice rather than a switch, so that "keep the tier's preset" is something the form can say. */
    private static ProviderConfigProperty toggle(TierSetting setting) {
        ProviderConfigProperty property = new ProviderConfigProperty(setting.key(), setting.label(),
                setting.help() + " '" + TierSetting.PRESET + "' keeps the tier's value: "
                        + TierPresets.describe(setting) + ".",
                ProviderConfigProperty.LIST_TYPE,
                TierSetting.PRESET);
        property.setOptions(List.of(TierSetting.PRESET, "true", "false"));
        return property;
    }
}
