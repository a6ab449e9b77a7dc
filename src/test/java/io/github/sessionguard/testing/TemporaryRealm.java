package io.github.sessionguard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A realm on the server for as long as the test holds it, with its relying party: the one place a realm is made and
 * removed. {@link TestRealm} keeps one for a class or a test; a test that makes realms of its own holds them in
 * try-with-resources, or in a map from {@code @BeforeAll} to {@code @AfterAll}:
 * <pre>
 * try (TemporaryRealm realm = TemporaryRealm.create(server, admin, "delivery-drip", (fixture, receiver) -&gt;
 *         withBackchannelLogout(fixture.publicClient("dripping"), receiver))) {
 *     realm.receiver().behave("dripping", ...);
 * }
 * </pre>
 * {@link #close()} closes the receiver and deletes the realm.
 */
public final class TemporaryRealm implements AutoCloseable {

    private final KeycloakServer server;
    private final AdminApi admin;
    private final String name;
    private final LogoutReceiver receiver;
    private final RealmFixture fixture;
    private final Map<String, OidcClient> clients = new ConcurrentHashMap<>();

    private TemporaryRealm(KeycloakServer server, AdminApi admin, String name, LogoutReceiver receiver,
            RealmFixture fixture) {
        this.server = server;
        this.admin = admin;
        this.name = name;
        this.receiver = receiver;
        this.fixture = fixture;
    }

    /**
     * Opens the receiver, has the realm described and creates it (a realm left by the name is deleted first). If any
     * of that fails, the realm is deleted and the receiver closed before the failure goes on.
     */
    public static TemporaryRealm create(KeycloakServer server, AdminApi admin, String name,
            TestRealm.Description description) {
        TemporaryRealm realm = describe(server, admin, name, description);
        try {
            realm.createOnServer();
        } catch (RuntimeException | Error e) {
            try {
                realm.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return realm;
    }

    /** Opens the receiver and has the realm described, not yet created; the receiver is closed if that fails. */
    static TemporaryRealm describe(KeycloakServer server, AdminApi admin, String name,
            TestRealm.Description description) {
        LogoutReceiver receiver = new LogoutReceiver(server, name);
        try {
            RealmFixture fixture = new RealmFixture(name);
            description.describe(fixture, receiver);
            return new TemporaryRealm(server, admin, name, receiver, fixture);
        } catch (RuntimeException | Error e) {
            receiver.close();
            throw e;
        }
    }

    /** Creates the realm as described, with its tier scopes. */
    void createOnServer() {
        fixture.create(admin);
    }

    /** Deletes the realm and creates it again as described, with the same receiver (and the same id, if set). */
    public void recreate() {
        admin.deleteRealm(name);
        createOnServer();
    }

    public String name() {
        return name;
    }

    /** The realm's relying party: the back-channel logout endpoint the description gave its clients. */
    public LogoutReceiver receiver() {
        return receiver;
    }

    /**
     * The realm's client as described: public, or confidential with its secret. One object per client, as a field
     * would be: a code flow's PKCE verifier is the same on both legs.
     */
    public OidcClient client(String clientId) {
        return clients.computeIfAbsent(clientId, id -> {
            for (JsonNode client : fixture.json().path("clients")) {
                if (client.path("clientId").asText().equals(id)) {
                    return client.path("publicClient").asBoolean() ? OidcClient.publicClient(server, name, id)
                            : new OidcClient(server, name, id, client.path("secret").asText());
                }
            }
            throw new IllegalArgumentException("Realm " + name + " declares no client " + id);
        });
    }

    /** Closes the receiver and deletes the realm (also when closing the receiver failed). */
    @Override
    public void close() {
        try {
            receiver.close();
        } finally {
            admin.deleteRealm(name);
        }
    }
}
