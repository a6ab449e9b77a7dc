package io.github.sessionguard.logout;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.DistributionKeycloakServer;
import io.github.sessionguard.testing.Jwt;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.LogoutReceiver.Delivery;
import io.github.sessionguard.testing.LogoutReceiver.Reply;
import io.github.sessionguard.testing.OidcClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Sessions logged out, and the server killed (SIGKILL) within milliseconds of the last logout's commit; then the
 * server is started again and each session is settled: told (its relying party accepted a logout token for it), or
 * alive again (the database lost the logout's transaction, and the notification with it, so nobody is owed a token).
 * A session neither told nor alive would be a death whose notification was lost: the wait for settling then fails.
 */
final class CrashRightAfterLogouts {

    /** The sessions (by {@code sid}) that were told, and those whose logout the database lost in the crash. */
    record Outcome(Set<String> told, Set<String> revived) {
    }

    private CrashRightAfterLogouts() {
    }

    static Outcome run(DistributionKeycloakServer server, LogoutReceiver receiver, OidcClient app, int sessions) {
        Map<String, String> refreshTokens = new LinkedHashMap<>();
        for (int i = 0; i < sessions; i++) {
            String refreshToken = app.login(USER, PASSWORD).get("refresh_token").asText();
            refreshTokens.put(Jwt.claims(refreshToken).get("sid").asText(), refreshToken);
        }
        // The logins are not what is on trial: any database has written them to disk a couple of seconds later.
        Deadline.awaitEpochSecondPassed(System.currentTimeMillis() / 1000 + 2, "the logins to reach the disk");
        receiver.behave(app.clientId(), attempt -> new Reply(503, 0));
        refreshTokens.values().forEach(token -> assertThat(app.logout(token).status()).isEqualTo(204));
        server.crash();

        receiver.behave(app.clientId(), attempt -> Reply.ok());
        server.restart();
        Set<String> told = new TreeSet<>();
        Set<String> revived = new TreeSet<>();
        Deadline.await(Duration.ofSeconds(120), "every session told, or alive again after the restart", () -> {
            refreshTokens.forEach((sid, refreshToken) -> {
                if (told.contains(sid) || revived.contains(sid)) {
                    return;
                }
                if (receiver.deliveriesTo(app.clientId()).stream().anyMatch(d -> d.accepted() && sid.equals(d.sid()))) {
                    told.add(sid);
                } else if (app.refresh(refreshToken).status() == 200) {
                    revived.add(sid);
                }
            });
            return told.size() + revived.size() == sessions;
        });
        assertThat(receiver.deliveriesTo(app.clientId()).stream().filter(Delivery::accepted)
                .filter(d -> revived.contains(d.sid())))
                .as("accepted logout tokens for sessions that are alive after the restart").isEmpty();
        return new Outcome(told, revived);
    }
}
