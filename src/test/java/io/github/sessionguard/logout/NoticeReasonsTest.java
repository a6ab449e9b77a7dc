package io.github.sessionguard.logout;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.logout.outbox.DeathReason;
import io.github.sessionguard.notify.NoticeReason;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Which deaths the funnel tells the user about: a reuse, an admin password reset, a disabled account, a session limit. */
class NoticeReasonsTest {

    @Test
    void onlyReuseResetDisablingAndSessionLimitAreTheUsersBusiness() {
        Map<DeathReason, NoticeReason> notices = Arrays.stream(DeathReason.values())
                .filter(reason -> LogoutFunnel.noticeReason(reason) != null)
                .collect(Collectors.toMap(reason -> reason, LogoutFunnel::noticeReason));

        assertThat(notices).containsExactlyInAnyOrderEntriesOf(Map.of(
                DeathReason.REFRESH_TOKEN_REUSED, NoticeReason.REFRESH_TOKEN_REUSED,
                DeathReason.CREDENTIAL_CHANGED, NoticeReason.CREDENTIAL_CHANGED,
                DeathReason.USER_DISABLED, NoticeReason.USER_DISABLED,
                DeathReason.SESSION_LIMIT, NoticeReason.SESSION_LIMIT));
    }
}
