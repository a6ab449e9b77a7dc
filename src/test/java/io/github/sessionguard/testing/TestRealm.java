package io.github.sessionguard.testing;

import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;

/**
 * The realm a test class works in, on the shared server. A {@code @KeycloakIntegrationTest} class registers it on a
 * static field and describes the realm on a {@link RealmFixture}; the receiver is the realm's relying party:
 * <pre>
 * &#64;RegisterExtension
 * static final TestRealm realm = TestRealm.of("rotation", (fixture, receiver) -&gt; {
 *     withBackchannelLogout(fixture.publicClient("mobile"), receiver);
 *     fixture.tierProfile("high", Map.of("tier", "high")).policyForClients("high-policy", "high", "mobile");
 * });
 * private final OidcClient mobile = realm.client("mobile");
 * </pre>
 * Before the test instance is made, it gets the shared server, opens the receiver and has the realm described, so
 * that {@link #server()}, {@link #admin()}, {@link #receiver()} and {@link #client} may fill the class's final
 * fields; it creates the realm before the class's {@code @BeforeAll} methods. When the class is done it closes the
 * receiver and deletes the realm, also when the set-up failed halfway. {@link #perTest} makes the realm (and its
 * receiver and clients) afresh for each test instead, for tests that change it. Either way the realm is a
 * {@link TemporaryRealm}, which tests that make realms of their own use directly.
 */
public final class TestRealm implements TestInstancePreConstructCallback, BeforeAllCallback, BeforeEachCallback,
        AfterEachCallback {

    /** What a class puts in its realm: clients, tiers, users; the receiver is the realm's relying party. */
    @FunctionalInterface
    public interface Description {
        void describe(RealmFixture fixture, LogoutReceiver receiver);
    }

    private final String name;
    private final Description description;
    private final boolean perTest;
    private volatile KeycloakServer server;
    private volatile AdminApi admin;
    private volatile TemporaryRealm realm;

    private TestRealm(String name, Description description, boolean perTest) {
        this.name = name;
        this.description = description;
        this.perTest = perTest;
    }

    /** One realm for the whole class. */
    public static TestRealm of(String name, Description description) {
        return new TestRealm(name, description, false);
    }

    /** One realm for the whole class, which needs no relying party. */
    public static TestRealm of(String name, Consumer<RealmFixture> description) {
        return of(name, (fixture, receiver) -> description.accept(fixture));
    }

    /** The realm made afresh before each test and deleted after it: no test sees what another changed. */
    public static TestRealm perTest(String name, Description description) {
        return new TestRealm(name, description, true);
    }

    /** {@link #perTest(String, Description)} for a realm that needs no relying party. */
    public static TestRealm perTest(String name, Consumer<RealmFixture> description) {
        return perTest(name, (fixture, receiver) -> description.accept(fixture));
    }

    public String name() {
        return name;
    }

    public KeycloakServer server() {
        return require(server, "server");
    }

    public AdminApi admin() {
        return require(admin, "admin API");
    }

    /** The realm's relying party: the back-channel logout endpoint the fixture gave its clients. */
    public LogoutReceiver receiver() {
        return require(realm, "receiver").receiver();
    }

    /**
     * The realm's client as the fixture declared it: public, or confidential with its secret. One object per client
     * (per test, for {@link #perTest}), as a field would be: a code flow's PKCE verifier is the same on both legs.
     */
    public OidcClient client(String clientId) {
        return require(realm, "fixture").client(clientId);
    }

    @Override
    public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
        if (server != null) {
            return;
        }
        // Closed with the class's context, whatever happened before: the receiver is closed, the realm deleted.
        context.getStore(ExtensionContext.Namespace.create(TestRealm.class, name))
                .put(TestRealm.class, (ExtensionContext.Store.CloseableResource) this::delete);
        server = KeycloakServerExtension.server(context);
        admin = new AdminApi(server);
        if (!perTest) {
            describe();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!perTest) {
            realm.createOnServer();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (perTest) {
            realm = TemporaryRealm.create(server, admin, name, description);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            delete();
        }
    }

    private void describe() {
        realm = TemporaryRealm.describe(server, admin, name, description);
    }

    private void delete() {
        TemporaryRealm made = realm;
        realm = null;
        if (made != null) {
            made.close();
        }
    }

    private <T> T require(T value, String what) {
        if (value == null) {
            throw new IllegalStateException("Realm " + name + " has no " + what + " here: "
                    + (perTest ? "it has one during each test" : "it has one from when the test instance is made")
                    + " (register TestRealm on a static field of a @KeycloakIntegrationTest class)");
        }
        return value;
    }
}
