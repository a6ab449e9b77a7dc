package io.github.sessionguard.logout.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.keycloak.Config;

/**
 * The scan's options under its own SPI, and their former names under the events listener, which servers already set
 * and which keep working.
 */
class ExpiryScanSettingsTest {

    private static final Config.Scope NONE = new MapScope(Map.of());

    @Test
    void withNoOptionTheScanRunsEveryFifteenSecondsOverAThousandRows() {
        assertThat(ExpiryScanSettings.from(NONE, NONE)).isEqualTo(new ExpiryScanSettings(15, 1_000));
    }

    @Test
    void theScansOwnOptionsApply() {
        Config.Scope own = new MapScope(Map.of("interval-seconds", "5", "batch-size", "200"));

        assertThat(ExpiryScanSettings.from(own, NONE)).isEqualTo(new ExpiryScanSettings(5, 200));
    }

    @Test
    void theFormerNamesUnderTheEventsListenerStillApply() {
        Config.Scope former = new MapScope(Map.of("expiry-scan-interval-seconds", "30",
                "expiry-scan-batch-size", "50"));

        assertThat(ExpiryScanSettings.from(NONE, former)).isEqualTo(new ExpiryScanSettings(30, 50));
    }

    @Test
    void whereBothNamesAreSetTheScansOwnWins() {
        Config.Scope own = new MapScope(Map.of("interval-seconds", "5"));
        Config.Scope former = new MapScope(Map.of("expiry-scan-interval-seconds", "30",
                "expiry-scan-batch-size", "50"));

        assertThat(ExpiryScanSettings.from(own, former)).isEqualTo(new ExpiryScanSettings(5, 50));
    }

    @Test
    void theOptionsAreDeclaredWithTheirDefaults() {
        assertThat(ExpiryScanSettings.metadata()).extracting(property -> property.getName() + "="
                + property.getDefaultValue()).containsExactly("interval-seconds=15", "batch-size=1000");
    }

    /** Server options as Keycloak hands a factory its scope, read from a map. */
    private static final class MapScope extends Config.AbstractScope {

        private final Map<String, String> options;

        MapScope(Map<String, String> options) {
            this.options = options;
        }

        @Override
        public String get(String key) {
            return options.get(key);
        }

        @Override
        public Config.Scope scope(String... scope) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Set<String> getPropertyNames() {
            return options.keySet();
        }

        @Override
        public Config.Scope root() {
            throw new UnsupportedOperationException();
        }
    }
}
