package io.github.sessionguard.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * The test runs on H2 as well as on PostgreSQL, which runs every test: it exercises Session Guard's own queries
 * (outbox, participants, expiry scan, realm sign-out, purges), and the Liquibase changelog and every query must hold on
 * both. {@code mvn verify} runs the tests so marked on an H2 server of their own (the Failsafe execution
 * {@code integration-tests-h2} selects the tag).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(AlsoOnH2.TAG)
public @interface AlsoOnH2 {

    String TAG = "also-on-h2";
}
