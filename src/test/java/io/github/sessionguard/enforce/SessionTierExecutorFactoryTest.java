package io.github.sessionguard.enforce;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.tier.Tier;
import io.github.sessionguard.tier.TierSetting;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.keycloak.provider.ProviderConfigProperty;

/** The executor's form: every override says what a blank keeps in each tier, and durations say their unit. */
class SessionTierExecutorFactoryTest {

    private final Map<String, ProviderConfigProperty> form = new SessionTierExecutorFactory().getConfigProperties()
            .stream().collect(Collectors.toMap(ProviderConfigProperty::getName, Function.identity()));

    @Test
    void everySettingHasAField() {
        for (TierSetting setting : TierSetting.values()) {
            assertThat(form).containsKey(setting.key());
        }
    }

    @Test
    void durationFieldsNameTheUnitAndEveryTiersValue() {
        ProviderConfigProperty idle = form.get(TierSetting.IDLE_TIMEOUT.key());
        assertThat(idle.getLabel()).contains("seconds");
        assertThat(idle.getHelpText()).contains("high 900 s (15 min)", "medium 1800 s (30 min)", "low 3600 s (1 h)");
        for (Tier tier : Tier.values()) {
            assertThat(form.get(TierSetting.ACCESS_TOKEN_LIFESPAN.key()).getHelpText())
                    .contains(tier.id() + " " + tier.preset().accessTokenLifespan() + " s");
        }
    }

    @Test
    void switchFieldsNameEveryTiersValue() {
        assertThat(form.get(TierSetting.OFFLINE_ACCESS.key()).getHelpText())
                .contains("high false, medium false, low true");
        assertThat(form.get(TierSetting.REAUTH_AFTER_IDLE.key()).getHelpText())
                .contains("idle timeout", "high true, medium true, low false");
    }

    @Test
    void sessionLimitFieldsSayWhatTheyTakeAndEveryTiersValue() {
        assertThat(form.get(TierSetting.MAX_SESSIONS.key()).getHelpText())
                .contains("0 sets no limit", "high 0 (no limit), medium 0 (no limit), low 0 (no limit)");
        ProviderConfigProperty action = form.get(TierSetting.SESSION_LIMIT_ACTION.key());
        assertThat(action.getOptions()).containsExactly("preset", "refuse-new", "end-oldest");
        assertThat(action.getDefaultValue()).isEqualTo("preset");
        assertThat(action.getHelpText()).contains("high end-oldest, medium end-oldest, low end-oldest");
    }
}
