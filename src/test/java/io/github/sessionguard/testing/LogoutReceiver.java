package io.github.sessionguard.testing;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.util.MultivaluedMapUtils;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import com.nimbusds.openid.connect.sdk.claims.LogoutTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.validators.LogoutTokenValidator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A relying party's back-channel logout endpoint on loopback: {@code POST /logout/{clientId}}. Every logout token it
 * receives is validated as an application would, with Nimbus's {@link LogoutTokenValidator} against the realm's
 * published keys, and kept for the test to look at; an invalid one is kept too, marked with its error.
 */
public final class LogoutReceiver implements AutoCloseable {

    /**
     * One delivery as the relying party saw it, and what it answered; {@code algorithm} and {@code keyId} are the
     * token's header's, null when it had none.
     */
    public record Delivery(String clientId, String jti, String sid, String sub, String error, long receivedAtMillis,
            int answeredStatus, String algorithm, String keyId) {
        public boolean valid() {
            return error == null;
        }

        public boolean accepted() {
            return answeredStatus >= 200 && answeredStatus < 300;
        }
    }

    /**
     * How the relying party answers its n-th request (1-based): a status, after a delay; optionally with a body sent
     * one byte every {@code dripMillis}, as a broken or hostile endpoint might.
     */
    public record Reply(int status, long delayMillis, String body, long dripMillis) {
        public Reply(int status, long delayMillis) {
            this(status, delayMillis, null, 0);
        }

        public static Reply ok() {
            return new Reply(200, 0);
        }
    }

    private final java.util.Map<String, java.util.function.IntFunction<Reply>> behaviours =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> requestCounts =
            new java.util.concurrent.ConcurrentHashMap<>();

    private HttpServer server;
    private int port;
    private final String issuer;
    private final JWKSource<SecurityContext> keys;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    public LogoutReceiver(KeycloakServer keycloak, String realm) {
        this.issuer = keycloak.realmUrl(realm);
        this.keys = RealmKeys.of(issuer);
        listen(0);
    }

    private void listen(int requestedPort) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", requestedPort), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/logout/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        port = server.getAddress().getPort();
    }

    /** The relying party goes down: its port refuses connections until {@link #comeBack()}. */
    public void goDown() {
        server.stop(0);
    }

    /** The relying party is back, on the same port. */
    public void comeBack() {
        listen(port);
    }

    /** The URL to configure as the client's back-channel logout URL. */
    public String urlFor(String clientId) {
        return "http://127.0.0.1:" + port + "/logout/" + clientId;
    }

    /**
     * From now on the client's endpoint answers as given, counting requests from 1 again; by default every request
     * gets 200 at once.
     */
    public void behave(String clientId, java.util.function.IntFunction<Reply> behaviour) {
        requestCounts.put(clientId, new java.util.concurrent.atomic.AtomicInteger());
        behaviours.put(clientId, behaviour);
    }

    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    public List<Delivery> deliveriesTo(String clientId) {
        return deliveries.stream().filter(d -> d.clientId().equals(clientId)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String clientId = exchange.getRequestURI().getPath().substring("/logout/".length());
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int attempt = requestCounts.computeIfAbsent(clientId, id -> new java.util.concurrent.atomic.AtomicInteger())
                .incrementAndGet();
        Reply reply = behaviours.getOrDefault(clientId, n -> Reply.ok()).apply(attempt);
        Delivery delivery = validate(clientId,
                MultivaluedMapUtils.getFirstValue(URLUtils.parseParameters(body), "logout_token"));
        deliveries.add(new Delivery(delivery.clientId(), delivery.jti(), delivery.sid(), delivery.sub(),
                delivery.error(), delivery.receivedAtMillis(), reply.status(), delivery.algorithm(),
                delivery.keyId()));
        try {
            Thread.sleep(reply.delayMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (reply.body() == null) {
                exchange.sendResponseHeaders(reply.status(), -1);
            } else {
                exchange.sendResponseHeaders(reply.status(), 0);
                for (byte b : reply.body().getBytes(StandardCharsets.UTF_8)) {
                    exchange.getResponseBody().write(b);
                    exchange.getResponseBody().flush();
                    Thread.sleep(reply.dripMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientGaveUp) {
            // The server stopped waiting (its read timeout); that is what a hanging relying party looks like.
        }
        exchange.close();
    }

    private Delivery validate(String clientId, String logoutToken) {
        long now = System.currentTimeMillis();
        if (logoutToken == null) {
            return new Delivery(clientId, null, null, null, "no logout_token parameter", now, 0, null, null);
        }
        JWT parsed = parsed(logoutToken);
        JWSHeader header = parsed != null && parsed.getHeader() instanceof JWSHeader jws ? jws : null;
        String algorithm = header == null ? null : header.getAlgorithm().getName();
        String keyId = header == null ? null : header.getKeyID();
        try {
            if (parsed == null) {
                throw new java.text.ParseException("not a JWT", 0);
            }
            LogoutTokenValidator validator = new LogoutTokenValidator(new Issuer(issuer), new ClientID(clientId), true,
                    new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256),
                            keys), null);
            LogoutTokenClaimsSet claims = validator.validate(parsed);
            return new Delivery(clientId, claims.getJWTID().getValue(),
                    claims.getSessionID() == null ? null : claims.getSessionID().getValue(),
                    claims.getSubject() == null ? null : claims.getSubject().getValue(), null, now, 0, algorithm,
                    keyId);
        } catch (Exception e) {
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            JWTClaimsSet unverified = unverifiedClaims(parsed);
            return unverified == null ? new Delivery(clientId, null, null, null, error, now, 0, algorithm, keyId)
                    : new Delivery(clientId, unverified.getJWTID(), (String) unverified.getClaim("sid"),
                            unverified.getSubject(), error, now, 0, algorithm, keyId);
        }
    }

    private static JWT parsed(String token) {
        try {
            return JWTParser.parse(token);
        } catch (java.text.ParseException notAToken) {
            return null;
        }
    }

    /**
     * What an invalid token claims, so that a test sees whom it was about and fails on its {@link Delivery#valid()},
     * not by waiting for a token that came.
     */
    private static JWTClaimsSet unverifiedClaims(JWT token) {
        try {
            return token == null ? null : token.getJWTClaimsSet();
        } catch (java.text.ParseException | RuntimeException notAToken) {
            return null;
        }
    }
}
