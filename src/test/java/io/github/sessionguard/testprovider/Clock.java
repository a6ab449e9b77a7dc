package io.github.sessionguard.testprovider;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.keycloak.common.util.Time;
import org.keycloak.services.resource.RealmResourceProvider;

/**
 * Moves this server's clock, as Keycloak's own test suite does ({@code Time.setOffset}): token lifetimes, SSO and
 * tier deadlines, the expiry scan and the outbox's schedule all read it, so a test of a 15-minute idle takes seconds.
 * The whole JVM shares the offset; the test harness sets it back to 0 after each test class. Test servers only.
 */
final class Clock implements RealmResourceProvider {

    @Override
    public Object getResource() {
        return this;
    }

    @GET
    @Path("offset")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Integer> offset() {
        return Map.of("offsetSeconds", Time.getOffset());
    }

    @PUT
    @Path("offset/{seconds}")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Integer> setOffset(@PathParam("seconds") int seconds) {
        Time.setOffset(seconds);
        return offset();
    }

    @Override
    public void close() {
    }
}
