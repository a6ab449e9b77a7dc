package io.github.sessionguard.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The class starts Keycloak servers (and a PostgreSQL) of its own and never uses the shared one: it runs beside the
 * shared server's classes, whose tests mostly wait for time to pass, but only one such class at a time, so that the
 * machine's two cores carry at most the shared server and one set of its own. Its tests still run one after another:
 * JUnit runs every test of a class that holds a write lock in one thread.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(RunsItsOwnServers.LOCK)
public @interface RunsItsOwnServers {

    String LOCK = "servers-of-its-own";
}
