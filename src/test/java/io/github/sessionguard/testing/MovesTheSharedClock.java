package io.github.sessionguard.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The class moves the shared server's clock ({@link KeycloakServer#setClockAhead}): no other class of the shared
 * server runs beside it (each holds the clock for reading, through {@link KeycloakIntegrationTest}), while classes
 * with servers of their own still may. The clock is set back after each of its tests ({@link ClockSetBack}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ClockSetBack.class)
@ResourceLock(value = KeycloakIntegrationTest.SHARED_CLOCK, mode = ResourceAccessMode.READ_WRITE)
public @interface MovesTheSharedClock {
}
