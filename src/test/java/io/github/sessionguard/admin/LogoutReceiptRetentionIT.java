package io.github.sessionguard.admin;

import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.AlsoOnH2;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.Http;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.MovesTheSharedClock;
import io.github.sessionguard.testing.SsoSession;
import io.github.sessionguard.testing.TestRealm;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 22, part 3: a session's receipt is kept as long as the outbox keeps its notifications. Past retention (7 days,
 * on the server's clock) the receipt and every try recorded for it go with them.
 */
@KeycloakIntegrationTest
@AlsoOnH2
@MovesTheSharedClock
class LogoutReceiptRetentionIT {

    @RegisterExtension
    static final TestRealm realm = TestRealm.of("logout-receipt-retention",
            (fixture, receiver) -> withBackchannelLogout(fixture.publicClient("app"), receiver));

    private final KeycloakServer server = realm.server();
    private final AdminApi admin = realm.admin();

    @Test
    void theReceiptGoesWithItsNotificationsPastRetention() {
        SsoSession sso = SsoSession.loginTo(realm.client("app"));
        assertThat(realm.client("app").logout(sso.refreshToken("app")).status()).isEqualTo(204);
        String receipt = "/admin/realms/" + realm.name() + "/session-guard/sessions/" + sso.sessionId() + "/receipt";
        Deadline.await(Duration.ofSeconds(60), "the acknowledged notification on the receipt",
                () -> admin.get(receipt).status() == 200 && admin.get(receipt).json().get("relyingParties").get(0)
                        .get("status").asText().equals("delivered"));
        assertThat(attemptsInRealm()).as("tries recorded before retention").isPositive();

        server.setClockAhead(Duration.ofDays(7).plusMinutes(2));

        Deadline.await(Duration.ofSeconds(90), "the retention purge (housekeeping runs once a minute)", () -> admin.get(receipt).status() == 404);
        assertThat(attemptsInRealm()).as("tries left in the realm").isZero();
    }

    private long attemptsInRealm() {
        HttpResult probe = new Http().get(server.realmUrl(realm.name()) + "/session-guard-test/attempts", null);
        assertThat(probe.status()).as(probe.toString()).isEqualTo(200);
        return probe.json().get("attempts").asLong();
    }
}
