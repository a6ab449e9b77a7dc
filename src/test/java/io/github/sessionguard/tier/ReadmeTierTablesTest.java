package io.github.sessionguard.tier;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The documented tier tables are {@link TierSetting}'s, written out: between their markers the README (presets) and
 * docs/configuration.md (every key) hold exactly what this test generates. A change to the table fails here with the
 * text to paste.
 */
class ReadmeTierTablesTest {

    private static final Path README = Path.of("README.md");
    private static final Path CONFIGURATION = Path.of("docs/configuration.md");

    @Test
    void thePresetTableIsTheTiersTable() throws IOException {
        assertThat(between(README, "tier-presets")).isEqualTo(presets());
    }

    @Test
    void theConfigurationReferenceIsTheTiersTable() throws IOException {
        assertThat(between(CONFIGURATION, "tier-settings")).isEqualTo(settings());
    }

    static String presets() {
        StringBuilder table = new StringBuilder("| key | high | medium | low |\n|---|---|---|---|\n");
        for (TierSetting setting : TierSetting.policyValues()) {
            table.append("| `").append(setting.key()).append("` | ").append(Arrays.stream(Tier.values())
                    .map(tier -> value(setting, setting.preset(tier))).collect(Collectors.joining(" | "))).append(" |\n");
        }
        return table.toString();
    }

    static String settings() {
        StringBuilder table = new StringBuilder("| key | type | meaning |\n|---|---|---|\n");
        for (TierSetting setting : TierSetting.values()) {
            String type = switch (setting.kind()) {
                case TIER -> Arrays.stream(Tier.values()).map(tier -> "`" + tier.id() + "`")
                        .collect(Collectors.joining(", "));
                case DURATION -> "seconds";
                case DURATION_OR_ZERO -> "seconds, or 0";
                case SWITCH -> "boolean";
                case COUNT -> "whole number, 0 = no limit";
                case CHOICE -> setting.choices().stream().map(choice -> "`" + choice + "`")
                        .collect(Collectors.joining(", "));
            };
            table.append("| `").append(setting.key()).append("` | ").append(type).append(" | ")
                    .append(setting.help()).append(" |\n");
        }
        return table.toString();
    }

    private static String value(TierSetting setting, Object preset) {
        if (setting.isDuration()) {
            long seconds = (Long) preset;
            String readable = TierPresets.readable(seconds);
            return readable.equals(seconds + " s") ? String.valueOf(seconds) : seconds + " (" + readable + ")";
        }
        return String.valueOf(preset);
    }

    private static String between(Path file, String marker) throws IOException {
        String readme = Files.readString(file);
        String begin = "<!-- " + marker + ": generated from TierSetting by ReadmeTierTablesTest -->\n";
        String end = "<!-- /" + marker + " -->";
        int from = readme.indexOf(begin);
        int to = readme.indexOf(end);
        assertThat(from).as(file + "'s marker " + begin.strip()).isNotNegative();
        assertThat(to).as(file + "'s marker " + end).isGreaterThan(from);
        return readme.substring(from + begin.length(), to);
    }
}
