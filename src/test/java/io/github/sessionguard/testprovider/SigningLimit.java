package io.github.sessionguard.testprovider;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.crypto.SignatureProvider;
import org.keycloak.crypto.SignatureSignerContext;
import org.keycloak.jose.jws.JWSBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.LogoutToken;
import org.keycloak.services.Urls;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.util.JsonSerialization;
import org.keycloak.util.TokenUtil;

/**
 * How many logout tokens this JVM can sign per second with a realm's active key on all its cores: the limit no sender
 * of logout tokens passes on this machine, which the benchmark measures in the same run as the delivery rate it
 * compares with it. Each token is shaped as Session Guard's sender makes one (claims, {@code typ: logout+jwt}) and
 * signed by Keycloak's own signer for the key, and nothing else is done per token: no session, transaction or POST.
 * Test servers only.
 */
final class SigningLimit implements RealmResourceProvider {

    private static final Logger LOG = Logger.getLogger(SigningLimit.class);

    /** Signatures before the counted window, so that the JIT has compiled the signing path on every thread. */
    private static final long WARM_UP_NANOS = 500_000_000L;
    /** The request holds a worker thread and every core for this long at most. */
    private static final int MAX_SECONDS = 30;

    private final KeycloakSession session;

    SigningLimit(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Object getResource() {
        return this;
    }

    /** Signs for {@code seconds} (after a short warm-up) on one thread per core and counts the signatures. */
    @POST
    @Path("limit/{algorithm}")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> measure(@PathParam("algorithm") String algorithm, @QueryParam("seconds") int seconds) {
        if (seconds < 1 || seconds > MAX_SECONDS) {
            throw new BadRequestException("seconds must be between 1 and " + MAX_SECONDS + ", not " + seconds);
        }
        RealmModel realm = session.getContext().getRealm();
        KeyWrapper key = session.keys().getActiveKey(realm, KeyUse.SIG, algorithm);
        SignatureProvider provider = session.getProvider(SignatureProvider.class, algorithm);
        if (key == null || provider == null) {
            throw new NotFoundException("Realm " + realm.getName() + " has no active " + algorithm + " signing key");
        }
        String issuer = Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName());
        int threads = Runtime.getRuntime().availableProcessors();
        long start = System.nanoTime() + WARM_UP_NANOS;
        long end = start + seconds * 1_000_000_000L;
        List<Callable<long[]>> signers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            // One signer per thread, made here: making one may read the session, which is this thread's alone.
            SignatureSignerContext signer = provider.signer(key);
            signers.add(() -> signUntil(signer, issuer, start, end));
        }
        long signed = 0;
        long cpuNanos = 0;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (Future<long[]> thread : pool.invokeAll(signers)) {
                long[] counted = thread.get();
                signed += counted[0];
                cpuNanos += counted[1];
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while measuring the signing limit", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Signing failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        double perSecond = signed / (double) seconds;
        LOG.infof("Signing limit of realm %s, key %s (%s): %d logout tokens in %d s on %d threads, %.0f/s",
                realm.getName(), key.getKid(), algorithm, signed, seconds, threads, perSecond);
        return Map.of("algorithm", algorithm, "threads", threads, "seconds", seconds, "signed", signed,
                "perSecond", perSecond, "cpuMicrosPerToken", signed == 0 ? 0 : cpuNanos / 1000.0 / signed);
    }

    /** {signatures completed inside [start, end), this thread's CPU nanoseconds over the same window}. */
    private static long[] signUntil(SignatureSignerContext signer, String issuer, long start, long end) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long counted = 0;
        long cpuAtStart = -1;
        long now = System.nanoTime();
        while (now < end) {
            if (cpuAtStart < 0 && now >= start) {
                cpuAtStart = cpu.getCurrentThreadCpuTime();
            }
            new JWSBuilder().type(TokenUtil.TOKEN_TYPE_JWT_LOGOUT_TOKEN).jsonContent(logoutToken(issuer)).sign(signer);
            now = System.nanoTime();
            if (now >= start && now < end) {
                counted++;
            }
        }
        return new long[] {counted, cpuAtStart < 0 ? 0 : cpu.getCurrentThreadCpuTime() - cpuAtStart};
    }

    /** The claims Session Guard's sender puts in a logout token, with a fresh session and token id each. */
    private static LogoutToken logoutToken(String issuer) {
        LogoutToken token = new LogoutToken();
        token.id(UUID.randomUUID().toString());
        token.issuedNow();
        token.exp(Time.currentTime() + 120L);
        token.issuer(issuer);
        token.addAudience("signing-limit");
        token.subject(UUID.randomUUID().toString());
        token.putEvents(TokenUtil.TOKEN_BACKCHANNEL_LOGOUT_EVENT, JsonSerialization.createObjectNode());
        token.setSid(UUID.randomUUID().toString());
        return token;
    }

    @Override
    public void close() {
    }
}
