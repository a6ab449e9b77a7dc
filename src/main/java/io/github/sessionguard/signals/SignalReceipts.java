package io.github.sessionguard.signals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.jpa.entities.OutboxEntryEntity;
import org.keycloak.util.JsonSerialization;

/**
 * The Shared Signals side of a session's logout receipt: the security event tokens about the session's death that
 * Keycloak's SSF transmitter holds in its outbox, found by their {@link SessionSignalIds jti}, each with its receiver,
 * how far its delivery got and the words it carries. Keycloak's outbox keeps a row's attempts as a count and its last
 * error, not each try; it keeps delivered rows a day and dead letters 30 days (its own retention), and the receipt
 * shows what it still holds. Reads Keycloak's outbox table only: nothing here needs the SSF feature on.
 */
public final class SignalReceipts {

    private static final Map<String, String> DELIVERY = Map.of("ssf-push", "push", "ssf-poll", "poll");

    private final KeycloakSession session;

    public SignalReceipts(KeycloakSession session) {
        this.session = session;
    }

    /**
     * One SET about the session, to one receiver.
     *
     * @param receiverClientId the receiver's client, null if it no longer exists
     * @param delivery         {@code push} or {@code poll}
     * @param event            the SET's event type, by the last segment of its URI ({@code session-revoked})
     * @param status           {@code pending}, {@code delivered} (pushed and accepted, or acknowledged by a poll),
     *                         {@code dead_letter}, or {@code held} (the stream is paused)
     * @param userId           the user the SET names, where it names them by id ({@code iss_sub}); null otherwise
     * @param reasonAdmin      the SET's reason, in English
     */
    public record SignalReceipt(String receiverClientId, String delivery, String event, String jti, String status,
            int attempts, long createdAt, Long deliveredAt, Long nextAttemptAt, String lastError, String userId,
            String initiatingEntity, String reasonAdmin) {
    }

    /** The SETs about the session in the realm, oldest first. */
    public List<SignalReceipt> ofSession(RealmModel realm, String userSessionId) {
        List<OutboxEntryEntity> rows = session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createQuery("select e from OutboxEntryEntity e where e.realmId = :realmId"
                        + " and e.entryKind in :kinds and e.correlationId like :jti escape '"
                        + SessionSignalIds.LIKE_ESCAPE + "' order by e.createdAt, e.id", OutboxEntryEntity.class)
                .setParameter("realmId", realm.getId()).setParameter("kinds", DELIVERY.keySet())
                .setParameter("jti", SessionSignalIds.likePattern(userSessionId)).getResultList();
        return rows.stream().map(row -> receipt(realm, row)).toList();
    }

    private static SignalReceipt receipt(RealmModel realm, OutboxEntryEntity row) {
        ClientModel receiver = realm.getClientById(row.getOwnerId());
        JsonNode claims = claims(row.getPayload());
        Map.Entry<String, JsonNode> event = firstEvent(claims);
        JsonNode user = claims.path("sub_id").has("user") ? claims.path("sub_id").path("user") : claims.path("sub_id");
        return new SignalReceipt(receiver == null ? null : receiver.getClientId(), DELIVERY.get(row.getEntryKind()),
                event == null ? row.getEntryType() : event.getKey().substring(event.getKey().lastIndexOf('/') + 1),
                row.getCorrelationId(), row.getStatus().name().toLowerCase(Locale.ROOT),
                row.getAttempts(), millis(row.getCreatedAt()), millis(row.getDeliveredAt()),
                millis(row.getNextAttemptAt()), row.getLastError(),
                "iss_sub".equals(user.path("format").asText()) ? text(user.path("sub")) : null,
                event == null ? null : text(event.getValue().path("initiating_entity")),
                event == null ? null : text(event.getValue().path("reason_admin").path("en")));
    }

    /** The claims of the signed SET (this server's own): read, not verified. Empty if it can't be read. */
    private static JsonNode claims(String jws) {
        String[] parts = jws == null ? new String[0] : jws.split("\\.");
        if (parts.length < 2) {
            return JsonSerialization.createObjectNode();
        }
        try {
            return JsonSerialization.mapper.readTree(new String(Base64.getUrlDecoder().decode(parts[1]),
                    StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException unreadable) {
            return JsonSerialization.createObjectNode();
        }
    }

    /** The SET's event: its type URI (whose last segment names it, as CAEP and RISC do) and its claims. */
    private static Map.Entry<String, JsonNode> firstEvent(JsonNode claims) {
        Iterator<Map.Entry<String, JsonNode>> events = claims.path("events").fields();
        return events.hasNext() ? events.next() : null;
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }

    private static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }
}
