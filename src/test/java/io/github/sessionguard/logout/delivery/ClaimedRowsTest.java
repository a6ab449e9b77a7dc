package io.github.sessionguard.logout.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.logout.outbox.DeathReason;
import io.github.sessionguard.logout.outbox.Notification;
import io.github.sessionguard.logout.outbox.NotificationStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaimedRowsTest {

    private static final long LONGEST_TRY = 19_000;

    @Test
    void rowsWhoseClaimWouldRunOutDuringATryAreTakenBackTheOthersStay() {
        ClaimedRows held = new ClaimedRows();
        held.add(List.of(row("old-1", "x"), row("old-2", "y")), 60_000);
        held.add(List.of(row("new-1", "x")), 90_000);

        assertThat(held.takeExpiring(41_000 - 1, LONGEST_TRY)).isEmpty();
        assertThat(held.takeExpiring(41_000, LONGEST_TRY)).extracting(Notification::id)
                .containsExactly("old-1", "old-2");
        assertThat(held.inOrder()).extracting(row -> row.id()).containsExactly("new-1");
    }

    @Test
    void rowsAreHandedOutInTheOrderClaimedAndCountedPerClient() {
        ClaimedRows held = new ClaimedRows();
        held.add(List.of(row("a", "x"), row("b", "y"), row("c", "x")), 60_000);

        assertThat(held.countByClient()).isEqualTo(Map.of("x", 2, "y", 1));
        assertThat(held.take(List.of("c", "a"))).extracting(claimed -> claimed.notification().id())
                .containsExactly("c", "a");
        assertThat(held.countByClient()).isEqualTo(Map.of("y", 1));
        assertThat(held.takeAll()).extracting(Notification::id).containsExactly("b");
        assertThat(held.isEmpty()).isTrue();
    }

    private static Notification row(String id, String clientUuid) {
        return new Notification(id, "realm-id", clientUuid, "client-" + clientUuid, "u-1", "s-" + id,
                "https://idp.example", "https://rp.example/", true, false, DeathReason.LOGOUT, "jti-" + id,
                NotificationStatus.PENDING, 0, 0, 0, 0, "claim-" + id, null, null);
    }
}
