package io.github.sessionguard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Shared Signals receiver's push endpoint on loopback (RFC 8935): {@code POST /caep} with the stream's
 * authorization header. Every Security Event Token it receives is checked as a receiver would: its type
 * ({@code secevent+jwt}), its signature against the realm's published keys, {@code iss}, {@code aud}, a {@code jti}
 * that names no other event (the same SET pushed again is taken once, as RFC 8935's retries require), exactly one
 * event, and a subject that names a user of the realm (and, for a session event, the session). Each is kept for the test to look at; an invalid one is kept too, marked with its error.
 */
public final class SsfReceiver implements AutoCloseable {

    public static final String SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
    public static final String CREDENTIAL_CHANGE =
            "https://schemas.openid.net/secevent/caep/event-type/credential-change";
    public static final String ACCOUNT_DISABLED =
            "https://schemas.openid.net/secevent/risc/event-type/account-disabled";
    /** The stream events Keycloak's transmitter sends of its own (verification, status), about no user. */
    private static final String STREAM_EVENTS = "https://schemas.openid.net/secevent/ssf/event-type/";

    /**
     * One event as the receiver understood it.
     *
     * @param application the application the subject names ({@code sub_id.application}), null for a whole session
     * @param reasonAdmin the English {@code reason_admin}
     */
    public record Signal(String jti, String type, String userId, String sessionId, String application,
            String initiatingEntity, String reasonAdmin, String error, long receivedAtMillis) {
        public boolean valid() {
            return error == null;
        }
    }

    private final String authorization = "Bearer " + UUID.randomUUID();
    private final List<Signal> signals = new CopyOnWriteArrayList<>();
    /** Every SET received, by its {@code jti}: one {@code jti}, one event. */
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger redeliveries = new AtomicInteger();
    private final HttpServer server;
    private volatile String issuer;
    private volatile String audience;
    private volatile JWKSource<SecurityContext> keys;

    public SsfReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/caep", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    /** The push endpoint, for the receiver client's {@code ssf.validPushUrls} and the stream's delivery. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/caep";
    }

    /** The {@code Authorization} header the stream is to send, and the only one the endpoint accepts. */
    public String authorization() {
        return authorization;
    }

    /** From now on events must come from this realm of the server, to this audience. */
    public void trust(KeycloakServer keycloak, String realm, String audience) {
        this.issuer = keycloak.realmUrl(realm);
        this.audience = audience;
        try {
            this.keys = RealmKeys.of(issuer);
            // Fetched now, not inside the first push, whose answer the transmitter waits for.
            keys.get(new JWKSelector(new JWKMatcher.Builder().build()), null);
        } catch (KeySourceException e) {
            throw new IllegalStateException("Could not read the keys of " + issuer, e);
        }
    }

    /** Every event about a user (stream events left out), valid or not. */
    public List<Signal> signals() {
        return List.copyOf(signals);
    }

    /** How many SETs came again, the same token with the same {@code jti}: each was taken once. */
    public int redeliveries() {
        return redeliveries.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (!"POST".equals(exchange.getRequestMethod())
                || !authorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
            return;
        }
        Signal signal = validate(body, exchange.getRequestHeaders().getFirst("Content-Type"));
        if (signal != null && (signal.type() == null || !signal.type().startsWith(STREAM_EVENTS))) {
            signals.add(signal);
        }
        exchange.sendResponseHeaders(202, -1);
        exchange.close();
    }

    private Signal validate(String body, String contentType) {
        long now = System.currentTimeMillis();
        try {
            if (!"application/secevent+jwt".equals(contentType)) {
                throw new IllegalArgumentException("content type " + contentType);
            }
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("secevent+jwt")));
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                    Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256), keys));
            processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience,
                    new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("jti", "iat", "events", "sub_id")));
            JWTClaimsSet claims = processor.process(SignedJWT.parse(body), null);
            String before = tokens.putIfAbsent(claims.getJWTID(), body);
            if (before != null && before.equals(body)) {
                // The same SET again: the transmitter retries a push whose answer it didn't get in time (RFC 8935
                // delivery is at least once), and a receiver takes it once.
                redeliveries.incrementAndGet();
                return null;
            }
            if (before != null) {
                throw new IllegalArgumentException("jti " + claims.getJWTID() + " names another event too");
            }
            JsonNode events = Json.MAPPER.valueToTree(claims.getJSONObjectClaim("events"));
            if (events.size() != 1) {
                throw new IllegalArgumentException("not one event: " + events);
            }
            String type = events.fieldNames().next();
            JsonNode event = events.get(type);
            if (type.startsWith(STREAM_EVENTS)) {
                return new Signal(claims.getJWTID(), type, null, null, null, null, null, null, now);
            }
            JsonNode subject = Json.MAPPER.valueToTree(claims.getJSONObjectClaim("sub_id"));
            JsonNode user = subject.path("format").asText().equals("complex") ? subject.path("user") : subject;
            if (!user.path("format").asText().equals("iss_sub") || !issuer.equals(user.path("iss").asText())
                    || user.path("sub").asText().isEmpty()) {
                throw new IllegalArgumentException("subject names no user of the realm: " + subject);
            }
            String sessionId = null;
            if (type.equals(SESSION_REVOKED)) {
                if (!subject.path("session").path("format").asText().equals("opaque")
                        || subject.path("session").path("id").asText().isEmpty()) {
                    throw new IllegalArgumentException("session event names no session: " + subject);
                }
                sessionId = subject.path("session").path("id").asText();
            }
            return new Signal(claims.getJWTID(), type, user.path("sub").asText(), sessionId,
                    subject.path("application").path("id").asText(null), event.path("initiating_entity").asText(null),
                    event.path("reason_admin").path("en").asText(null), null, now);
        } catch (Exception e) {
            return new Signal(null, null, null, null, null, null, null,
                    e.getClass().getSimpleName() + ": " + e.getMessage(), now);
        }
    }
}
