package io.github.sessionguard.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A class of the shared server that runs beside the others: it works only in realms of its own, reads no count the
 * other classes move (its metrics are its realm's), and asserts no time tighter than a loaded machine keeps. Such
 * classes run one at a time, beside the main line of classes. The lock is also what keeps a class's own tests one
 * after another: JUnit runs every test of a class that holds a write lock in one thread, while an explicitly
 * concurrent class without one would run its tests side by side.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(RunsBesideOtherClasses.LOCK)
public @interface RunsBesideOtherClasses {

    String LOCK = "beside-other-classes";
}
