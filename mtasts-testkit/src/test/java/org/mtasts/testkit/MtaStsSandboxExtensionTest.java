package org.mtasts.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.mtasts.core.DomainName;

@MtaStsSandboxTest(scenarios = Scenario.GOOD)
class MtaStsSandboxExtensionTest {

    private static MtaStsSandbox fromBeforeAll;
    private final MtaStsSandbox fromConstructor;

    MtaStsSandboxExtensionTest(MtaStsSandbox sandbox) {
        this.fromConstructor = sandbox;
    }

    @BeforeAll
    static void before(MtaStsSandbox sandbox) {
        fromBeforeAll = sandbox;
    }

    @Test
    void injectsOneSandboxPerClassWithTheAnnotatedScenarios(MtaStsSandbox sandbox) {
        assertThat(sandbox).isSameAs(fromConstructor).isSameAs(fromBeforeAll);
        assertThat(sandbox.domains()).containsExactly(DomainName.of("good.example"));
    }

    @Nested
    class NestedClass {
        @Test
        void sharesTheEnclosingSandbox(MtaStsSandbox sandbox) {
            assertThat(sandbox).isSameAs(fromBeforeAll);
        }
    }

    private static EngineExecutionResults run(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute();
    }

    private static List<Throwable> failures(EngineExecutionResults results) {
        return results.allEvents().failed().stream()
                .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow())
                .collect(Collectors.toList());
    }

    static final AtomicReference<MtaStsSandbox> CAPTURED = new AtomicReference<>();

    @MtaStsSandboxTest
    static class AllScenarios {
        @Test
        void capture(MtaStsSandbox sandbox) {
            CAPTURED.set(sandbox);
        }
    }

    @Test
    void withoutConfigurationServesEveryScenarioAndClosesAfterTheClass() {
        run(AllScenarios.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        MtaStsSandbox sandbox = CAPTURED.get();
        assertThat(sandbox.domains()).hasSize(Scenario.values().length);
        assertThatThrownBy(() -> sandbox.dnsFault("good.example", null))
                .isInstanceOf(IllegalStateException.class).hasMessage("the sandbox is closed");
        Set<String> threads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith(sandbox.threadPrefix())).collect(Collectors.toSet());
        assertThat(threads).isEmpty();
    }

    @ExtendWith(MtaStsSandboxExtension.class)
    static class Configured {
        @SandboxConfiguration
        private static MtaStsSandbox.Builder config() {
            return MtaStsSandbox.builder().domain(DomainSpec.of("configured.test").nullMx());
        }

        @Test
        void usesTheConfiguration(MtaStsSandbox sandbox) {
            assertThat(sandbox.domains()).containsExactly(DomainName.of("configured.test"));
        }
    }

    @Test
    void aConfigurationMethodWins() {
        run(Configured.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    }

    @MtaStsSandboxTest
    static class TwoConfigurations {
        @SandboxConfiguration
        static MtaStsSandbox.Builder one() {
            return MtaStsSandbox.builder();
        }

        @SandboxConfiguration
        static MtaStsSandbox.Builder two() {
            return MtaStsSandbox.builder();
        }

        @Test
        void never() {}
    }

    @MtaStsSandboxTest
    static class NotStatic {
        @SandboxConfiguration
        MtaStsSandbox.Builder config() {
            return MtaStsSandbox.builder();
        }

        @Test
        void never() {}
    }

    @MtaStsSandboxTest
    static class Throws {
        @SandboxConfiguration
        static MtaStsSandbox.Builder config() {
            return MtaStsSandbox.builder().domain(DomainSpec.of("a.test")).domain(DomainSpec.of("a.test"));
        }

        @Test
        void never() {}
    }

    @Test
    void badConfigurationsFailTheClassWithAClearMessage() {
        assertThat(failures(run(TwoConfigurations.class))).singleElement()
                .isInstanceOf(ExtensionConfigurationException.class)
                .satisfies(t -> assertThat(t.getMessage()).startsWith("more than one @SandboxConfiguration method in "));
        assertThat(failures(run(NotStatic.class))).singleElement()
                .isInstanceOf(ExtensionConfigurationException.class)
                .satisfies(t -> assertThat(t.getMessage())
                        .endsWith("must be static, take no parameters and return MtaStsSandbox.Builder"));
        assertThat(failures(run(Throws.class))).singleElement()
                .isInstanceOf(ExtensionConfigurationException.class)
                .satisfies(t -> assertThat(t.getMessage()).contains("domain a.test was already added"));
    }

    static class MethodLevel {
        @Test
        @ExtendWith(MtaStsSandboxExtension.class)
        void wantsASandbox(MtaStsSandbox sandbox) {}
    }

    @Test
    void registeringOnAMethodOnlyExplainsItself() {
        assertThat(failures(run(MethodLevel.class))).singleElement()
                .isInstanceOf(ParameterResolutionException.class)
                .satisfies(t -> assertThat(t.getMessage()).contains("register MtaStsSandboxExtension on the test class"));
    }
}
