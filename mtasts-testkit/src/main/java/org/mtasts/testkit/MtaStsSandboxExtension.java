package org.mtasts.testkit;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension behind {@link MtaStsSandboxTest}: starts one {@link MtaStsSandbox} per test
 * class, injects it into parameters of type {@link MtaStsSandbox}, and closes it after the class.
 * Use {@code @ExtendWith(MtaStsSandboxExtension.class)} or, shorter, {@code @MtaStsSandboxTest}.
 *
 * <pre>{@code
 * @ExtendWith(MtaStsSandboxExtension.class)
 * class MyTest {
 *     @Test
 *     void test(MtaStsSandbox sandbox) {
 *         assertThat(sandbox.domains()).isNotEmpty();
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @since 0.1
 */
public final class MtaStsSandboxExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(MtaStsSandboxExtension.class);
    private static final String SANDBOX = "sandbox";

    /** Creates the extension (JUnit does). */
    public MtaStsSandboxExtension() {}

    @Override
    public void beforeAll(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        if (store.get(SANDBOX, MtaStsSandbox.class) != null) {
            return; // a nested class: the enclosing class's sandbox serves it
        }
        Class<?> testClass = context.getRequiredTestClass();
        MtaStsSandbox sandbox = builderFor(testClass).start();
        store.put(SANDBOX, sandbox);
        store.put(ownerKey(context), Boolean.TRUE);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        if (store.remove(ownerKey(context), Boolean.class) != null) {
            MtaStsSandbox sandbox = store.remove(SANDBOX, MtaStsSandbox.class);
            if (sandbox != null) {
                sandbox.close();
            }
        }
    }

    private static String ownerKey(ExtensionContext context) {
        return "owner:" + context.getUniqueId();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == MtaStsSandbox.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        MtaStsSandbox sandbox = context.getStore(NAMESPACE).get(SANDBOX, MtaStsSandbox.class);
        if (sandbox == null) {
            throw new ParameterResolutionException("no sandbox for " + parameter.getDeclaringExecutable()
                    + ": register MtaStsSandboxExtension on the test class (or use @MtaStsSandboxTest), "
                    + "not on a method");
        }
        return sandbox;
    }

    /** Finds the configuration: a {@link SandboxConfiguration} method, the annotation, or all scenarios. */
    static MtaStsSandbox.Builder builderFor(Class<?> testClass) {
        Method method = configurationMethod(testClass);
        if (method != null) {
            Object builder;
            try {
                method.setAccessible(true);
                builder = method.invoke(null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                Throwable cause = e instanceof java.lang.reflect.InvocationTargetException && e.getCause() != null
                        ? e.getCause() : e;
                throw new ExtensionConfigurationException("@SandboxConfiguration method " + method + " failed: "
                        + cause, cause);
            }
            if (builder == null) {
                throw new ExtensionConfigurationException("@SandboxConfiguration method " + method + " returned null");
            }
            return (MtaStsSandbox.Builder) builder;
        }
        Scenario[] scenarios = Optional.ofNullable(testClass.getAnnotation(MtaStsSandboxTest.class))
                .map(MtaStsSandboxTest::scenarios).orElse(new Scenario[0]);
        return scenarios.length == 0 ? MtaStsSandbox.builder().allScenarios()
                : MtaStsSandbox.builder().scenario(scenarios);
    }

    private static @Nullable Method configurationMethod(Class<?> testClass) {
        List<Method> found = new ArrayList<>();
        for (Class<?> c = testClass; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.isAnnotationPresent(SandboxConfiguration.class)) {
                    found.add(m);
                }
            }
        }
        if (found.isEmpty()) {
            return null;
        }
        if (found.size() > 1) {
            throw new ExtensionConfigurationException("more than one @SandboxConfiguration method in "
                    + testClass.getName() + ": " + found);
        }
        Method m = found.get(0);
        if (!Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 0
                || m.getReturnType() != MtaStsSandbox.Builder.class) {
            throw new ExtensionConfigurationException("@SandboxConfiguration method " + m
                    + " must be static, take no parameters and return MtaStsSandbox.Builder");
        }
        return m;
    }
}
