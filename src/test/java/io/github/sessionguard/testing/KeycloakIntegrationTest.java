package io.github.sessionguard.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Marks a test class that runs against the shared real Keycloak server; each class works in its own realm. It holds
 * the server's clock for reading: a class that moves it ({@link MovesTheSharedClock}) runs alone among these.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KeycloakServerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ResourceLock(value = KeycloakIntegrationTest.SHARED_CLOCK, mode = ResourceAccessMode.READ)
public @interface KeycloakIntegrationTest {

    String SHARED_CLOCK = "the-shared-server's-clock";
}
