package io.github.sessionguard.signals;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.logout.outbox.DeathReason;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Who caused each death, as a receiver reads it in {@code initiating_entity}: a theft is not a timeout. */
class InitiatorTest {

    @Test
    void everyReasonNamesWhoCausedIt() {
        Map<DeathReason, String> initiators = Arrays.stream(DeathReason.values())
                .collect(Collectors.toMap(reason -> reason, reason -> Initiator.of(reason).code()));

        assertThat(initiators).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry(DeathReason.LOGOUT, "user"),
                Map.entry(DeathReason.TOKEN_REVOKED, "user"),
                Map.entry(DeathReason.CREDENTIAL_CHANGED, "admin"),
                Map.entry(DeathReason.USER_DISABLED, "admin"),
                Map.entry(DeathReason.USER_DELETED, "admin"),
                Map.entry(DeathReason.REALM_SIGN_OUT, "admin"),
                Map.entry(DeathReason.REFRESH_TOKEN_REUSED, "policy"),
                Map.entry(DeathReason.TIER_IDLE_TIMEOUT, "policy"),
                Map.entry(DeathReason.TIER_MAX_LIFESPAN, "policy"),
                Map.entry(DeathReason.SESSION_LIMIT, "policy"),
                Map.entry(DeathReason.SESSION_EXPIRED, "system")));
    }

    @Test
    void theCodesAreCaepsWords() {
        assertThat(Arrays.stream(Initiator.values()).map(Initiator::code))
                .containsExactly("user", "admin", "policy", "system");
    }
}
