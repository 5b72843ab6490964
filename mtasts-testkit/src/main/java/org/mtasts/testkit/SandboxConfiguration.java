package org.mtasts.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the static, parameterless method of a test class that configures its {@link
 * MtaStsSandbox}: it returns an unstarted {@link MtaStsSandbox.Builder}, which {@link
 * MtaStsSandboxExtension} starts. A class (with its superclasses) may have at most one.
 *
 * <pre>{@code
 * @MtaStsSandboxTest
 * class MyProberTest {
 *     @SandboxConfiguration
 *     static MtaStsSandbox.Builder sandbox() {
 *         return MtaStsSandbox.builder()
 *                 .domain(DomainSpec.of("shop.example").mx(10, SmtpHost.of("mx.shop.example").withoutStarttls()));
 *     }
 * }
 * }</pre>
 *
 * @since 0.1
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface SandboxConfiguration {}
