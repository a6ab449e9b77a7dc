package io.github.sessionguard.testprovider;

import jakarta.ws.rs.core.HttpHeaders;
import java.util.Map;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.SingleUseObjectProvider;

/**
 * Test-only: Keycloak's single-use object store, passed through unchanged, except that it fails the writes of
 * rotation's grace records ({@value #GRACE_RECORD_PREFIX}...) for a request that carries
 * {@link #FAIL_GRACE_WRITE_HEADER}.
 * Session Guard writes that record in a Keycloak session of its own, which sees no request headers; the flag is
 * therefore kept on the request's thread, set by the request's own store and cleared when the request's session closes.
 */
final class StoreFaults implements SingleUseObjectProvider {

    static final String FAIL_GRACE_WRITE_HEADER = "X-Session-Guard-Test-Fail-Grace-Write";
    static final String GRACE_RECORD_PREFIX = "session-guard.rotation.";
    private static final ThreadLocal<Boolean> FAILING = new ThreadLocal<>();

    private final SingleUseObjectProvider store;
    private final boolean setsTheFlag;

    StoreFaults(KeycloakSession session, SingleUseObjectProvider store) {
        this.store = store;
        this.setsTheFlag = FAILING.get() == null && carriesHeader(session);
        if (setsTheFlag) {
            FAILING.set(Boolean.TRUE);
        }
    }

    private static boolean carriesHeader(KeycloakSession session) {
        try {
            HttpHeaders headers = session.getContext().getRequestHeaders();
            return headers != null && headers.getHeaderString(FAIL_GRACE_WRITE_HEADER) != null;
        } catch (RuntimeException outsideARequest) {
            return false;
        }
    }

    @Override
    public void put(String key, long lifespanSeconds, Map<String, String> notes) {
        if (key.startsWith(GRACE_RECORD_PREFIX) && FAILING.get() != null) {
            throw new IllegalStateException("Test fault: the single-use store fails to write " + key);
        }
        store.put(key, lifespanSeconds, notes);
    }

    @Override
    public Map<String, String> get(String key) {
        return store.get(key);
    }

    @Override
    public Map<String, String> remove(String key) {
        return store.remove(key);
    }

    @Override
    public boolean replace(String key, Map<String, String> notes) {
        return store.replace(key, notes);
    }

    @Override
    public boolean putIfAbsent(String key, long lifespanInSeconds) {
        return store.putIfAbsent(key, lifespanInSeconds);
    }

    @Override
    public boolean contains(String key) {
        return store.contains(key);
    }

    @Override
    public void close() {
        if (setsTheFlag) {
            FAILING.remove();
        }
    }
}
