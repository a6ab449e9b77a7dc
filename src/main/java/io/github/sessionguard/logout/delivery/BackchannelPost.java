package io.github.sessionguard.logout.delivery;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One try of one logout token: a POST with bounded timeouts (the answer's body too) and no redirects. It runs
 * asynchronously, so a batch's tries go out at once and no thread waits on a relying party per token.
 */
final class BackchannelPost {

    private static final int ERROR_BODY_BYTES = 256;

    private final HttpClient http;
    private final OutboxSettings settings;

    BackchannelPost(OutboxSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * What one try came to: the HTTP status, 0 when no answer came, -1 when it was skipped; the error text, null on
     * success.
     */
    record Attempt(int status, String error) {

        /** Not sent, for good: the client is no longer told (see {@code BackchannelTarget}). */
        static Attempt skipped(String why) {
            return new Attempt(-1, why);
        }

        boolean wasSkipped() {
            return status < 0;
        }

        static Attempt noAnswer(String why) {
            return new Attempt(0, why);
        }
    }

    /** Completes, never exceptionally, within the read timeout plus the body timeout (and a second's margin). */
    CompletableFuture<Attempt> send(String url, String logoutToken) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(settings.readTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("logout_token="
                        + URLEncoder.encode(logoutToken, StandardCharsets.UTF_8)))
                .build();
        // The answer's headers within the read timeout (the request's own); of an error answer, the first bytes of
        // its body within the body timeout, whatever has come by then; of a success, nothing of the body.
        CompletableFuture<HttpResponse<String>> exchange = http.sendAsync(request, info -> new Excerpt(
                info.statusCode() / 100 == 2 ? 0 : ERROR_BODY_BYTES, settings.bodyTimeout()));
        Duration bound = settings.readTimeout().plus(settings.bodyTimeout()).plusSeconds(1);
        // The bound is put on a copy, so that the exchange itself can still be cancelled (which aborts it).
        return exchange.copy().orTimeout(bound.toMillis(), TimeUnit.MILLISECONDS).handle((response, failure) -> {
            if (failure == null) {
                return answered(response);
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof TimeoutException) {
                exchange.cancel(true);
                return Attempt.noAnswer("no answer within " + bound.toMillis() + " ms");
            }
            return Attempt.noAnswer(cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        });
    }

    private static Attempt answered(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new Attempt(status, null);
        }
        String excerpt = response.body().strip();
        return new Attempt(status, "HTTP " + status + (excerpt.isEmpty() ? "" : ": " + excerpt));
    }

    /**
     * Keeps at most the first {@code limit} bytes of an answer's body, read for at most {@code within}, then stops
     * reading it.
     */
    private static final class Excerpt implements HttpResponse.BodySubscriber<String> {

        private final int limit;
        private final Duration within;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<String> text = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;

        Excerpt(int limit, Duration within) {
            this.limit = limit;
            this.within = within;
        }

        @Override
        public CompletionStage<String> getBody() {
            return text;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (limit == 0) {
                subscription.cancel();
                finish();
                return;
            }
            CompletableFuture.delayedExecutor(within.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                subscription.cancel();
                finish();
            });
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            synchronized (bytes) {
                for (ByteBuffer buffer : buffers) {
                    int take = Math.min(buffer.remaining(), limit - bytes.size());
                    byte[] chunk = new byte[take];
                    buffer.get(chunk);
                    bytes.writeBytes(chunk);
                }
            }
            if (bytes.size() >= limit) {
                subscription.cancel();
                finish();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable error) {
            finish();
        }

        @Override
        public void onComplete() {
            finish();
        }

        private void finish() {
            synchronized (bytes) {
                text.complete(bytes.toString(StandardCharsets.UTF_8));
            }
        }
    }
}
