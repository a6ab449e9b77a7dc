package io.github.sessionguard.logout.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One try of one logout token: a POST with bounded timeouts (the answer's body too) and no redirects. It runs on a
 * pool of exchange threads, so a batch's tries go out at once and the signer never waits on a relying party.
 *
 * <p>The client speaks HTTP/1.1 only (a relying party's {@code http://} URL gets no upgrade attempt), runs its own
 * work on a fixed pool, and reads a success's body to its end, up to a bound, so that the connection is kept alive for
 * the next token instead of being cancelled. Each exchange is the client's blocking {@code send}, on a reused thread:
 * the JDK's {@code sendAsync}, given a client executor, hands every completed exchange to the default async pool,
 * which on two cores is a new thread per task (a JFR recording of the benchmark counted 78,000 threads started for
 * 40,000 tokens).
 */
final class BackchannelPost implements AutoCloseable {

    private static final int ERROR_BODY_BYTES = 256;
    /** A success's body is read (and dropped) up to this much, to keep its connection; a longer one is cut off. */
    private static final int SUCCESS_BODY_BYTES = 16 * 1024;

    private final HttpClient http;
    /** The client's own work (its selector's callbacks, the answers' bodies). */
    private final ExecutorService clientWork;
    /**
     * One thread per exchange in flight, reused: no more than the delivery slots, and those whose exchange outlived
     * its bound (their slot already free) until the request's own timeouts end it.
     */
    private final ExecutorService exchanges;
    /** Ends the reading of answers' bodies that take too long; one thread for all (see {@link Excerpt}). */
    private final ScheduledThreadPoolExecutor bodyTimeouts;
    private final OutboxSettings settings;

    BackchannelPost(OutboxSettings settings) {
        this.settings = settings;
        this.clientWork = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                runnable -> LogoutDeliveryWorker.daemon(runnable, "session-guard-backchannel"));
        this.exchanges = Executors.newCachedThreadPool(
                runnable -> LogoutDeliveryWorker.daemon(runnable, "session-guard-backchannel-exchange"));
        this.bodyTimeouts = new ScheduledThreadPoolExecutor(1,
                runnable -> LogoutDeliveryWorker.daemon(runnable, "session-guard-backchannel-body-timeout"));
        // A body read to its end cancels its timeout: cancelled ones leave the queue at once, not when due.
        this.bodyTimeouts.setRemoveOnCancelPolicy(true);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(clientWork)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** After the last try: the exchanges' threads end. */
    @Override
    public void close() {
        exchanges.shutdownNow();
        clientWork.shutdownNow();
        bodyTimeouts.shutdownNow();
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

    /**
     * Completes, never exceptionally, within the read timeout plus the body timeout (and a second's margin).
     *
     * @param logoutToken a JWS in compact form: base64url parts and dots only, which a form body carries as they are
     */
    CompletableFuture<Attempt> send(URI url, String logoutToken) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(settings.readTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("logout_token=" + logoutToken))
                .build();
        // The answer's headers within the read timeout (the request's own); then, within the body timeout, whatever
        // has come by then: of an error answer its first bytes, kept for the record; of a success, its body read to
        // the end (up to a bound) and dropped, so that the connection can serve the next token.
        HttpResponse.BodyHandler<String> excerpt = info -> info.statusCode() / 100 == 2
                ? new Excerpt(0, SUCCESS_BODY_BYTES, settings.bodyTimeout(), bodyTimeouts)
                : new Excerpt(ERROR_BODY_BYTES, ERROR_BODY_BYTES, settings.bodyTimeout(), bodyTimeouts);
        CompletableFuture<HttpResponse<String>> exchange = new CompletableFuture<>();
        Future<?> running;
        try {
            running = exchanges.submit(() -> {
                try {
                    exchange.complete(http.send(request, excerpt));
                } catch (IOException | RuntimeException e) {
                    exchange.completeExceptionally(e);
                } catch (InterruptedException e) {
                    exchange.completeExceptionally(e);
                    Thread.currentThread().interrupt();
                }
            });
        } catch (RejectedExecutionException stopping) {
            return CompletableFuture.completedFuture(Attempt.noAnswer("not sent: the sender is stopping"));
        }
        Duration bound = settings.readTimeout().plus(settings.bodyTimeout()).plusSeconds(1);
        // The bound is put on a copy, so that the exchange itself can still be aborted (its thread interrupted).
        return exchange.copy().orTimeout(bound.toMillis(), TimeUnit.MILLISECONDS).handle((response, failure) -> {
            if (failure == null) {
                return answered(response);
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof TimeoutException) {
                running.cancel(true);
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
     * Keeps at most the first {@code keep} bytes of an answer's body; reads it for at most {@code within} and at most
     * {@code readLimit} bytes, then stops reading it (which costs the connection, unless the body had ended).
     */
    private static final class Excerpt implements HttpResponse.BodySubscriber<String> {

        private final int keep;
        private final int readLimit;
        private final Duration within;
        private final ScheduledExecutorService timeouts;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<String> text = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;
        private volatile ScheduledFuture<?> timeout;
        private long read;

        /**
         * @param timeouts where the reading's time limit is kept: not {@code CompletableFuture.delayedExecutor}, whose
         *                 default pool is, on two cores, a new thread per timeout
         */
        Excerpt(int keep, int readLimit, Duration within, ScheduledExecutorService timeouts) {
            this.keep = keep;
            this.readLimit = readLimit;
            this.within = within;
            this.timeouts = timeouts;
        }

        @Override
        public CompletionStage<String> getBody() {
            return text;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            try {
                timeout = timeouts.schedule(() -> {
                    subscription.cancel();
                    finish();
                }, within.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                subscription.cancel();
                finish();
                return;
            }
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            synchronized (bytes) {
                for (ByteBuffer buffer : buffers) {
                    read += buffer.remaining();
                    int take = Math.min(buffer.remaining(), keep - bytes.size());
                    byte[] chunk = new byte[take];
                    buffer.get(chunk);
                    bytes.writeBytes(chunk);
                }
            }
            if (read >= readLimit) {
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
            ScheduledFuture<?> pending = timeout;
            if (pending != null) {
                pending.cancel(false);
            }
        }
    }
}
