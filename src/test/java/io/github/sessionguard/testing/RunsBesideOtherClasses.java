package io.github.sessionguard.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A class of the shared server that runs beside the others: it works only in realms of its own, reads no count the
 * other classes move (its metrics are its realm's), and asserts no time tighter than a loaded machine keeps. Its own
 * tests still run one after another (a method orderer keeps them in one thread; they depend on no order).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Execution(ExecutionMode.CONCURRENT)
@TestMethodOrder(MethodOrderer.MethodName.class)
public @interface RunsBesideOtherClasses {
}
