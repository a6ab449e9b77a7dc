package io.github.sessionguard.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TierPresetsTest {

    @Test
    void durationsNameEveryTierWithItsUnit() {
        assertThat(TierPresets.describe(TierSetting.IDLE_TIMEOUT))
                .isEqualTo("high 900 s (15 min), medium 1800 s (30 min), low 3600 s (1 h)");
        assertThat(TierPresets.describe(TierSetting.MAX_LIFESPAN))
                .isEqualTo("high 43200 s (12 h), medium 86400 s (1 day), low 2592000 s (30 days)");
        assertThat(TierPresets.describe(TierSetting.REUSE_GRACE_PERIOD))
                .isEqualTo("high 0 s, medium 10 s, low 30 s");
    }

    @Test
    void switchesNameEveryTier() {
        assertThat(TierPresets.describe(TierSetting.OFFLINE_ACCESS)).isEqualTo("high false, medium false, low true");
        assertThat(TierPresets.describe(TierSetting.REAUTH_AFTER_IDLE)).isEqualTo("high true, medium true, low false");
    }

    @Test
    void everySettingButTheTierHasAPresetValue() {
        for (TierSetting setting : TierSetting.values()) {
            if (setting == TierSetting.TIER) {
                assertThatThrownBy(() -> TierPresets.describe(setting)).isInstanceOf(IllegalArgumentException.class);
            } else {
                assertThat(TierPresets.describe(setting)).startsWith("high ");
            }
        }
    }
}
