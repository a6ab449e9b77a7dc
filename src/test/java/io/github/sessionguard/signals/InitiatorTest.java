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

        assertThat(initiators).containsExactlyInAnyOrderEntriesOf(Map.of(
                DeathReason.LOGOUT, "user",
                DeathReason.TOKEN_REVOKED, "user",
                DeathReason.CREDENTIAL_CHANGED, "admin",
                DeathReason.USER_DISABLED, "admin",
                DeathReason.USER_DELETED, "admin",
                DeathReason.REALM_SIGN_OUT, "admin",
                DeathReason.REFRESH_TOKEN_REUSED, "policy",
                DeathReason.TIER_IDLE_TIMEOUT, "policy",
                DeathReason.TIER_MAX_LIFESPAN, "policy",
                DeathReason.SESSION_EXPIRED, "system"));
    }

    @Test
    void theCodesAreCaepsWords() {
        assertThat(Arrays.stream(Initiator.values()).map(Initiator::code))
                .containsExactly("user", "admin", "policy", "system");
    }
}
