package io.github.sessionguard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Plain HTTP as a real client speaks it, no redirects followed: JSON to the admin REST API and the test providers'
 * endpoints, and plain forms. OIDC requests are {@link OidcClient}'s, built and sent by the Nimbus SDK.
 */
public final class Http {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    private final HttpClient client;
    private final Duration timeout;

    public Http() {
        this(DEFAULT_TIMEOUT);
    }

    /** With a longer wait for an answer than the usual two minutes, for requests that are expected to work long. */
    public Http(Duration timeout) {
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.timeout = timeout;
    }

    public HttpResult get(String url, String bearer) {
        return send(request(url, bearer).GET());
    }

    /** A GET with request headers of its own (an {@code Accept}, for example). */
    public HttpResult get(String url, String bearer, Map<String, String> headers) {
        HttpRequest.Builder builder = request(url, bearer);
        headers.forEach(builder::header);
        return send(builder.GET());
    }

    public HttpResult postJson(String url, Object body, String bearer) {
        return postJsonWithHeaders(url, body, bearer, Map.of());
    }

    public HttpResult postJsonWithHeaders(String url, Object body, String bearer, Map<String, String> headers) {
        HttpRequest.Builder builder = request(url, bearer).header("Content-Type", "application/json");
        headers.forEach(builder::header);
        return send(builder.POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
    }

    public HttpResult putJson(String url, Object body, String bearer) {
        return putJsonWithHeaders(url, body, bearer, Map.of());
    }

    public HttpResult putJsonWithHeaders(String url, Object body, String bearer, Map<String, String> headers) {
        HttpRequest.Builder builder = request(url, bearer).header("Content-Type", "application/json");
        headers.forEach(builder::header);
        return send(builder.PUT(HttpRequest.BodyPublishers.ofString(Json.write(body))));
    }

    public HttpResult delete(String url, String bearer) {
        // Keycloak's account API answers only requests that accept JSON; other DELETEs don't mind.
        return send(request(url, bearer).header("Accept", "application/json").DELETE());
    }

    public static String formBody(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(String url, String bearer) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        return builder;
    }

    private HttpResult send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new HttpResult(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
