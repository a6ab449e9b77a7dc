package io.github.sessionguard.admin;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.AlsoOnH2;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.Http;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.LogoutReceiver.Delivery;
import io.github.sessionguard.testing.LogoutReceiver.Reply;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.SsoSession;
import io.github.sessionguard.testing.TestRealm;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 22, part 3: a session's logout receipt. One session of two relying parties ends; one of them refuses its
 * first logout token (503) and takes the retry. The receipt shows both, each with the jti its relying party received,
 * every try with its outcome, and when each acknowledged it; as JSON and as CSV. It is shown to no one without
 * view-users, and for no other realm (LogoutReceiptRetentionIT: not past the outbox's retention).
 */
@KeycloakIntegrationTest
@AlsoOnH2
class LogoutReceiptIT {

    private static final String REALM = "logout-receipt";
    private static final String OTHER_REALM = "logout-receipt-other";
    private static final String FLAKY = "flaky";
    private static final String STEADY = "steady";

    @RegisterExtension
    static final TestRealm realm = TestRealm.of(REALM, (fixture, receiver) -> {
        withBackchannelLogout(fixture.publicClient(FLAKY), receiver);
        withBackchannelLogout(fixture.publicClient(STEADY), receiver);
        fixture.limitedAdmin("realm-viewer", "view-realm");
        fixture.limitedAdmin("user-viewer", "view-users");
    });
    /** Another realm, whose admin path must not show this realm's session. */
    @RegisterExtension
    static final TestRealm otherRealm = TestRealm.of(OTHER_REALM, fixture -> {
    });

    private final AdminApi admin = realm.admin();
    private final LogoutReceiver receiver = realm.receiver();
    private final Http http = new Http();
    private String sessionId;
    private String userId;
    private JsonNode receipt;

    @BeforeAll
    void endASessionOfTwoRelyingParties() {
        receiver.behave(FLAKY, attempt -> attempt == 1 ? new Reply(503, 0) : Reply.ok());
        OidcClient steady = realm.client(STEADY);
        SsoSession sso = SsoSession.loginTo(realm.client(FLAKY), steady);
        sessionId = sso.sessionId();
        userId = sso.userId();
        assertThat(steady.logout(sso.refreshToken(STEADY)).status()).isEqualTo(204);

        receipt = Deadline.await(Duration.ofSeconds(60), "both relying parties' acknowledgements on the receipt",
                () -> admin.get(receiptPath(REALM, sessionId)),
                result -> result.status() == 200 && StreamSupport.stream(
                                result.json().get("relyingParties").spliterator(), false)
                        .allMatch(party -> party.get("status").asText().equals("delivered"))).json();
    }

    @Test
    void theReceiptShowsEachRelyingPartyItsJtiEveryTryAndTheAcknowledgement() {
        assertThat(receipt.get("realm").asText()).isEqualTo(REALM);
        assertThat(receipt.get("sessionId").asText()).isEqualTo(sessionId);
        assertThat(receipt.get("userId").asText()).isEqualTo(userId);
        assertThat(receipt.get("reason").asText()).isEqualTo("logout");
        assertThat(receipt.get("ssfReceivers").isArray()).isTrue();
        assertThat(receipt.get("ssfReceivers")).isEmpty();
        Map<String, JsonNode> parties = relyingParties(receipt);
        assertThat(parties).containsOnlyKeys(FLAKY, STEADY);
        assertThat(receipt.get("diedAt").asLong()).as("the earliest notification's time")
                .isEqualTo(Math.min(parties.get(FLAKY).get("createdAt").asLong(),
                        parties.get(STEADY).get("createdAt").asLong()));

        JsonNode flaky = parties.get(FLAKY);
        assertThat(flaky.get("jti").asText()).isEqualTo(onlyJtiReceivedBy(FLAKY, 2));
        assertThat(flaky.get("reason").asText()).isEqualTo("logout");
        assertThat(flaky.get("url").asText()).isEqualTo(receiver.urlFor(FLAKY));
        JsonNode[] flakyTries = tries(flaky);
        assertThat(flakyTries).hasSize(2);
        assertThat(flakyTries[0].get("attempt").asInt()).isEqualTo(1);
        assertThat(flakyTries[0].get("outcome").asText()).isEqualTo("retry");
        assertThat(flakyTries[0].get("httpStatus").asInt()).isEqualTo(503);
        assertThat(flakyTries[0].get("error").asText()).startsWith("HTTP 503");
        assertThat(flakyTries[1].get("attempt").asInt()).isEqualTo(2);
        assertThat(flakyTries[1].get("outcome").asText()).isEqualTo("delivered");
        assertThat(flakyTries[1].get("httpStatus").asInt()).isEqualTo(200);
        assertThat(flakyTries[1].get("error").isNull()).isTrue();
        assertThat(flakyTries[1].get("sentAt").asLong()).as("the retry after the refusal was recorded")
                .isGreaterThanOrEqualTo(flakyTries[0].get("recordedAt").asLong());
        assertThat(flaky.get("deliveredAt").asLong()).as("acknowledged when its delivered try was recorded")
                .isEqualTo(flakyTries[1].get("recordedAt").asLong());

        JsonNode steady = parties.get(STEADY);
        assertThat(steady.get("jti").asText()).isEqualTo(onlyJtiReceivedBy(STEADY, 1)).isNotEqualTo(
                flaky.get("jti").asText());
        JsonNode[] steadyTries = tries(steady);
        assertThat(steadyTries).hasSize(1);
        assertThat(steadyTries[0].get("attempt").asInt()).isEqualTo(1);
        assertThat(steadyTries[0].get("outcome").asText()).isEqualTo("delivered");
        assertThat(steadyTries[0].get("httpStatus").asInt()).isEqualTo(200);
        assertThat(steady.get("deliveredAt").asLong()).isEqualTo(steadyTries[0].get("recordedAt").asLong())
                .isGreaterThanOrEqualTo(steady.get("createdAt").asLong());
    }

    @Test
    void theCsvHasOneLinePerTryWithTheSameTries() {
        HttpResult csv = http.get(admin.url(receiptPath(REALM, sessionId)), admin.token(),
                Map.of("Accept", "text/csv"));

        assertThat(csv.status()).as(csv.toString()).isEqualTo(200);
        assertThat(csv.header("Content-Type")).startsWith("text/csv");
        List<List<String>> lines = parseCsv(csv.body());
        assertThat(lines.get(0)).isEqualTo(ReceiptCsv.COLUMNS);
        List<Map<String, String>> rows = lines.subList(1, lines.size()).stream().map(line -> {
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < ReceiptCsv.COLUMNS.size(); i++) {
                row.put(ReceiptCsv.COLUMNS.get(i), line.get(i));
            }
            return row;
        }).toList();
        List<String> expected = new ArrayList<>();
        relyingParties(receipt).values().forEach(party -> {
            for (JsonNode tried : tries(party)) {
                expected.add(String.join("|", party.get("clientId").asText(), party.get("jti").asText(),
                        tried.get("attempt").asText(), tried.get("outcome").asText(), tried.get("httpStatus").asText(),
                        String.valueOf(tried.get("sentAt").asLong()), String.valueOf(tried.get("recordedAt").asLong()),
                        String.valueOf(party.get("deliveredAt").asLong())));
            }
        });
        assertThat(rows).extracting(row -> String.join("|", row.get("client_id"), row.get("jti"), row.get("attempt"),
                        row.get("outcome"), row.get("http_status"), millis(row.get("sent_at")),
                        millis(row.get("recorded_at")), millis(row.get("delivered_at"))))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(rows).hasSize(3).allSatisfy(row -> {
            // A session id may start with '-', which the CSV defuses for a spreadsheet as any such field.
            assertThat(row.get("session_id")).isEqualTo(ReceiptCsv.field(sessionId));
            assertThat(row.get("user_id")).isEqualTo(userId);
            assertThat(row.get("death_reason")).isEqualTo("logout");
            assertThat(row.get("channel")).isEqualTo("backchannel_logout");
            assertThat(millis(row.get("died_at"))).isEqualTo(receipt.get("diedAt").asText());
        });
    }

    @Test
    void anUnknownSessionHasNoReceipt() {
        assertThat(admin.get(receiptPath(REALM, "no-such-session")).status()).isEqualTo(404);
        HttpResult csv = http.get(admin.url(receiptPath(REALM, "no-such-session")), admin.token(),
                Map.of("Accept", "text/csv"));
        assertThat(csv.status()).as(csv.toString()).isEqualTo(404);
    }

    @Test
    void anotherRealmsPathShowsNothingOfTheSession() {
        HttpResult other = admin.get(receiptPath(OTHER_REALM, sessionId));

        assertThat(other.status()).as(other.toString()).isEqualTo(404);
        assertThat(other.body()).doesNotContain(relyingParties(receipt).get(FLAKY).get("jti").asText());
    }

    @Test
    void anAdminWhoMayNotViewUsersGetsA403AndCantProbeWhichSessionsExistWhileViewUsersAloneReadsIt() {
        String viewer = admin.tokenFor(REALM, "admin-cli", "realm-viewer", PASSWORD);
        assertThat(http.get(admin.url(receiptPath(REALM, sessionId)), viewer).status()).isEqualTo(403);
        assertThat(http.get(admin.url(receiptPath(REALM, "no-such-session")), viewer).status()).isEqualTo(403);

        String userViewer = admin.tokenFor(REALM, "admin-cli", "user-viewer", PASSWORD);
        HttpResult allowed = http.get(admin.url(receiptPath(REALM, sessionId)), userViewer);
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
        assertThat(allowed.json()).isEqualTo(receipt);
    }

    private String onlyJtiReceivedBy(String clientId, int posts) {
        List<Delivery> received = receiver.deliveriesTo(clientId);
        assertThat(received).as("POSTs to " + clientId).hasSize(posts).allMatch(Delivery::valid);
        assertThat(received.stream().map(Delivery::sid).collect(Collectors.toSet())).containsExactly(sessionId);
        return received.stream().map(Delivery::jti).collect(Collectors.toSet()).stream().reduce((a, b) -> {
            throw new AssertionError("Several jti sent to " + clientId + ": " + a + ", " + b);
        }).orElseThrow();
    }

    private static Map<String, JsonNode> relyingParties(JsonNode receipt) {
        Map<String, JsonNode> parties = new HashMap<>();
        receipt.get("relyingParties").forEach(party -> {
            assertThat(parties.put(party.get("clientId").asText(), party)).as("one notification per client").isNull();
        });
        return parties;
    }

    private static JsonNode[] tries(JsonNode party) {
        return StreamSupport.stream(party.get("attempts").spliterator(), false).toArray(JsonNode[]::new);
    }

    private static String millis(String isoTime) {
        return isoTime.isEmpty() ? "" : String.valueOf(Instant.parse(isoTime).toEpochMilli());
    }

    private static String receiptPath(String realm, String sessionId) {
        return "/admin/realms/" + realm + "/session-guard/sessions/" + sessionId + "/receipt";
    }

    /** RFC 4180, as a spreadsheet reads it: quoted fields may hold commas, doubled quotes and line breaks. */
    private static List<List<String>> parseCsv(String text) {
        List<List<String>> lines = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                fields.add(field.toString());
                field.setLength(0);
                lines.add(fields);
                fields = new ArrayList<>();
                i++;
            } else {
                field.append(c);
            }
        }
        assertThat(field).as("the last line ends with CRLF").isEmpty();
        assertThat(fields).isEmpty();
        return lines;
    }
}
