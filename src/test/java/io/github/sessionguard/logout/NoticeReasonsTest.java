package io.github.sessionguard.logout;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.logout.outbox.EndReason;
import io.github.sessionguard.notify.NoticeReason;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Tests which deaths the funnel tells the user about: a replay, an admin password reset, a disabled account. */
class NoticeReasonsTest {

    @Test
    void onlyReplayPasswordResetAndDisablingAreTheUsersBusiness() {
        Map<EndReason, NoticeReason> notices = Arrays.stream(EndReason.values())
                .filter(reason -> LogoutFunnel.noticeReason(reason) != null)
                .collect(Collectors.toMap(reason -> reason, LogoutFunnel::noticeReason));

        assertThat(notices).containsExactlyInAnyOrderEntriesOf(Map.of(
                EndReason.REFRESH_TOKEN_REUSED, NoticeReason.REFRESH_TOKEN_REPLAYED,
                EndReason.CREDENTIAL_CHANGED, NoticeReason.CREDENTIAL_CHANGED,
                EndReason.USER_DISABLED, NoticeReason.USER_DISABLED));
    }
}
