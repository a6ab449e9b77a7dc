package io.github.sessionguard.admin;

import io.github.sessionguard.tier.ClientTierResolver;
import io.github.sessionguard.logout.outbox.NotificationStatus;
import io.github.sessionguard.logout.outbox.LogoutOutboxProvider;
import io.github.sessionguard.logout.outbox.Notification;
import io.github.sessionguard.logout.outbox.NotificationHistory;
import io.github.sessionguard.signals.SignalReceipts;
import io.github.sessionguard.signals.SignalReceipts.SignalReceipt;
import io.github.sessionguard.tier.Grant;
import java.util.EnumMap;
import java.util.Map;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.QueryParam;
import java.util.List;
import java.util.Locale;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import io.github.sessionguard.posture.PostureAssessment;
import io.github.sessionguard.posture.PostureReport;
import io.github.sessionguard.posture.PostureReportHtml;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import io.github.sessionguard.assignment.TierBlocks;
import io.github.sessionguard.assignment.TierBuildingBlocks;
import io.github.sessionguard.tier.Tier;
import java.util.Optional;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.utils.ModelToRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.ErrorResponse;
import org.keycloak.services.ErrorResponseException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/** Session Guard's admin REST API of one realm. It reads from the capability packages and decides nothing itself. */
public final class SessionGuardAdminResource {

    private static final int DEAD_LETTERS_COUNTED = 1_000;
    private static final MediaType CSV = MediaType.valueOf(ReceiptCsv.MEDIA_TYPE);

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    SessionGuardAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
            AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
    }

    /**
     * The tiers' client scopes, profiles and policies in this realm, and the clients each scope puts in a tier: only
     * those the caller may view (view-clients), as Keycloak's own client listing does.
     */
    @GET
    @Path("tiers")
    @Produces(MediaType.APPLICATION_JSON)
    public List<TierBlocks> tiers() {
        auth.realm().requireViewRealm();
        try {
            return new TierBuildingBlocks(session).describe(realm).stream()
                    .map(blocks -> blocks.withClients(blocks.clients().stream().filter(this::mayViewClient).toList()))
                    .toList();
        } catch (ClientPolicyException e) {
            throw badRequest("The realm's client policies are unreadable: " + e.getErrorDetail());
        }
    }

    private boolean mayViewClient(String clientId) {
        ClientModel client = realm.getClientByClientId(clientId);
        return client != null && auth.clients().canView(client);
    }

    /**
     * Gives the realm what it takes to put a client into a tier from the client's "Client scopes" tab; creates only
     * what is missing, so calling it again changes nothing.
     */
    @POST
    @Path("tiers")
    @Produces(MediaType.APPLICATION_JSON)
    public List<TierBlocks> setUpTiers() {
        auth.realm().requireManageRealm();
        auth.clients().requireManageClientScopes();
        List<TierBlocks> blocks;
        try {
            blocks = new TierBuildingBlocks(session).setUp(realm);
        } catch (ClientPolicyException e) {
            throw badRequest("The tiers' client profiles or policies were refused: " + e.getErrorDetail());
        }
        recordCreatedScopes(blocks);
        return blocks;
    }

    private void recordCreatedScopes(List<TierBlocks> blocks) {
        blocks.stream().filter(tier -> tier.created().contains("clientScope"))
                .map(tier -> TierBuildingBlocks.scope(realm, Tier.fromId(tier.tier()).orElseThrow()))
                .flatMap(Optional::stream)
                .forEach(scope -> adminEvent.resource(ResourceType.CLIENT_SCOPE).operation(OperationType.CREATE)
                        .resourcePath("client-scopes", scope.getId())
                        .representation(ModelToRepresentation.toRepresentation(scope)).success());
    }

    /**
     * Logout notifications of this realm in one state: pending (waiting or retrying), failed, delivered, or skipped
     * (the client was no longer to be told when the notification came to be sent). Whose session each one ended
     * (user, session, and the last error, which may quote them) is shown only to callers who may view users,
     * Keycloak's rule for sessions; view-realm sees the rest. The path says "deliveries", as it did before the word
     * was kept for sending: operators' scripts use it.
     */
    @GET
    @Path("deliveries")
    @Produces(MediaType.APPLICATION_JSON)
    public List<NotificationRepresentation> notifications(@QueryParam("status") String status,
            @QueryParam("first") String first, @QueryParam("max") String max) {
        auth.realm().requireViewRealm();
        NotificationStatus wanted = parseStatus(status == null ? "pending" : status);
        int from = QueryParameters.wholeNumber("first", first, 0, 0, Integer.MAX_VALUE);
        int count = QueryParameters.wholeNumber("max", max, 100, 1, 1000);
        return outbox().list(realm, wanted, from, count).stream().map(this::asShownToCaller).toList();
    }

    /**
     * Puts a failed or skipped notification back in line, with a fresh count of tries; it goes to the client's
     * back-channel logout URL as it is when it is sent.
     */
    @POST
    @Path("deliveries/{id}/retry")
    @Produces(MediaType.APPLICATION_JSON)
    public NotificationRepresentation retry(@PathParam("id") String id) {
        auth.realm().requireManageRealm();
        return outbox().retry(realm, id).map(this::asShownToCaller).orElseThrow(() -> notFound(
                "No failed or skipped logout notification '" + id + "' in realm '" + realm.getName() + "'"));
    }

    /**
     * The logout receipt of one user session of this realm: when and why it died, each relying party that was to be
     * told, with the logout token's jti, every try and its outcome, and when the relying party acknowledged it. JSON,
     * or CSV (one line per try) for a caller that prefers {@code text/csv}. It needs view-users (whose session it
     * was, and the relying parties' answers, which may quote it), as an auditor of users' sessions has, and nothing
     * more. Where the realm has Keycloak's SSF transmitter on, it lists the Shared Signals receivers too. It exists as
     * long as the session's notifications or security events do: a session whose death told no one, or whose
     * notifications are past retention, has none (404), as has another realm's session.
     */
    @GET
    @Path("sessions/{sessionId}/receipt")
    @Produces({MediaType.APPLICATION_JSON, ReceiptCsv.MEDIA_TYPE})
    public Response receipt(@PathParam("sessionId") String sessionId) {
        auth.users().requireView();
        List<NotificationHistory> histories = outbox().ofSession(realm, sessionId);
        List<SignalReceipt> signals = new SignalReceipts(session).ofSession(realm, sessionId);
        if (histories.isEmpty() && signals.isEmpty()) {
            throw notFound("No logout notification or security event of session '" + sessionId + "' in realm '"
                    + realm.getName() + "'");
        }
        LogoutReceiptRepresentation receipt = LogoutReceiptRepresentation.of(realm.getName(), sessionId, histories,
                signals);
        if (prefers(session.getContext().getRequestHeaders(), CSV)) {
            return Response.ok(ReceiptCsv.render(receipt), CSV.withCharset("utf-8"))
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"session-"
                            + sessionId.replaceAll("[^A-Za-z0-9._-]", "_") + "-receipt.csv\"")
                    .build();
        }
        return Response.ok(receipt, MediaType.APPLICATION_JSON_TYPE).build();
    }

    private NotificationRepresentation asShownToCaller(Notification row) {
        NotificationRepresentation shown = NotificationRepresentation.of(row);
        return auth.users().canView() ? shown : shown.withoutWhoseSession();
    }

    private LogoutOutboxProvider outbox() {
        LogoutOutboxProvider outbox = session.getProvider(LogoutOutboxProvider.class);
        if (outbox == null || !outbox.enabled()) {
            throw notFound("The logout outbox is switched off on this server"
                    + " (--spi-session-guard-outbox--default--enabled=false)");
        }
        return outbox;
    }

    private static NotificationStatus parseStatus(String status) {
        try {
            return NotificationStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw badRequest("'status' must be pending, failed, delivered or skipped; got '" + status + "'");
        }
    }

    /** The effective session policy of the client whose OAuth client_id is given, and where the realm caps it. */
    @GET
    @Path("clients/{clientId}")
    @Produces(MediaType.APPLICATION_JSON)
    public EffectivePolicyRepresentation effectivePolicy(@PathParam("clientId") String clientId) {
        // Checked before the lookup, so that a caller who may not see clients can't probe which ones exist.
        auth.clients().requireList();
        ClientModel client = realm.getClientByClientId(clientId);
        if (client == null) {
            throw notFound("No client '" + clientId + "' in realm '" + realm.getName() + "'");
        }
        auth.clients().requireView(client);
        ClientTierResolver resolver = new ClientTierResolver(session);
        return EffectivePolicyRepresentation.of(realm, client, resolver.resolve(realm, client),
                resolver.resolveEveryGrant(realm, client));
    }

    /**
     * The M9 posture report of the realm: JSON, or a readable page for a caller that prefers {@code text/html} (a
     * browser). Anyone who may view the realm or its clients may read it.
     */
    @GET
    @Path("report")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
    public Response report() {
        if (!auth.realm().canViewRealm() && !auth.clients().canView()) {
            throw new ForbiddenException("The posture report needs view-realm or view-clients");
        }
        PostureReport report = new PostureAssessment(session).assess(realm, deadLetters());
        if (prefers(session.getContext().getRequestHeaders(), MediaType.TEXT_HTML_TYPE)) {
            return Response.ok(PostureReportHtml.render(report), MediaType.TEXT_HTML_TYPE.withCharset("utf-8"))
                    .build();
        }
        return Response.ok(report, MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** Counted up to a bound: the report says that some wait, and the notifications endpoint lists them. */
    private int deadLetters() {
        LogoutOutboxProvider outbox = session.getProvider(LogoutOutboxProvider.class);
        if (outbox == null || !outbox.enabled()) {
            return 0;
        }
        return outbox.list(realm, NotificationStatus.FAILED, 0, DEAD_LETTERS_COUNTED).size();
    }

    /**
     * The other type (HTML, CSV) only when the caller ranks it above JSON, so that a bare Accept (or none) gets JSON.
     */
    private static boolean prefers(HttpHeaders headers, MediaType other) {
        for (MediaType type : headers.getAcceptableMediaTypes()) {
            if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !type.isWildcardType()) {
                return false;
            }
            if (type.isCompatible(other) && !type.isWildcardType()) {
                return true;
            }
        }
        return false;
    }

    private static ErrorResponseException badRequest(String message) {
        return ErrorResponse.error(message, Response.Status.BAD_REQUEST);
    }

    private static ErrorResponseException notFound(String message) {
        return ErrorResponse.error(message, Response.Status.NOT_FOUND);
    }
}
