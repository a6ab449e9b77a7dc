package io.github.sessionguard.logout.outbox;

/**
 * What one try of a notification came to, as the attempts table ({@code OUTCOME}) stores the constant's name:
 * delivered (a 2xx), retry (no answer, or an answer worth trying again), failed (given up on: a dead letter) or
 * skipped (nothing sent: the client was no longer told).
 */
public enum AttemptOutcome {
    DELIVERED, RETRY, FAILED, SKIPPED
}
