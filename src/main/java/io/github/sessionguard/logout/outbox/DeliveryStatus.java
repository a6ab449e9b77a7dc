package io.github.sessionguard.logout.outbox;

/**
 * Where a logout notification stands: waiting (or being retried), delivered, given up on (dead letter), or skipped
 * because its client was no longer to be told when it came to be sent (no usable URL, disabled, deleted).
 */
public enum DeliveryStatus {
    PENDING, DELIVERED, FAILED, SKIPPED
}
