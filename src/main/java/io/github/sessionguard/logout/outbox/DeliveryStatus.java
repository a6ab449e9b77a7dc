package io.github.sessionguard.logout.outbox;

/** Where a logout notification stands: waiting (or being retried), delivered, or given up on (dead letter). */
public enum DeliveryStatus {
    PENDING, DELIVERED, FAILED
}
