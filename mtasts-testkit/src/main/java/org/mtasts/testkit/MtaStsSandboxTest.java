package org.mtasts.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class with one {@link MtaStsSandbox}, started before the first test and closed
 * after the last, injected into any parameter of type {@link MtaStsSandbox} (constructors,
 * {@code @BeforeAll}, {@code @BeforeEach} and test methods). Nested classes share their enclosing
 * class's sandbox.
 *
 * <p>The sandbox is configured by a static method annotated {@link SandboxConfiguration} if the
 * class has one, else from {@link #scenarios()}, else with every {@link Scenario}.
 *
 * <pre>{@code
 * @MtaStsSandboxTest(scenarios = {Scenario.GOOD, Scenario.HTTP_ONLY})
 * class FetcherTest {
 *     @Test
 *     void fetchesTheGoodPolicy(MtaStsSandbox sandbox) {
 *         InetSocketAddress https = sandbox.address("mta-sts.good.example");
 *         // ...
 *     }
 * }
 * }</pre>
 *
 * @since 0.1
 */
@Documented
@Inherited
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(MtaStsSandboxExtension.class)
public @interface MtaStsSandboxTest {

    /**
     * Returns the ready-made domains to serve when the class has no {@link SandboxConfiguration}
     * method; empty (the default) means all of them.
     *
     * @return the scenarios
     */
    Scenario[] scenarios() default {};
}
