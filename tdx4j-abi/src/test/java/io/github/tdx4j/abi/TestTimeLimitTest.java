package io.github.tdx4j.abi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The build gives every test a time limit (the parent pom's surefire {@code configurationParameters}), so that a
 * guest loop that never returns fails one test by name within a minute instead of stalling CI.
 */
@ExtendWith(TestTimeLimitTest.Configuration.class)
class TestTimeLimitTest {
    private static final String DEFAULT = "junit.jupiter.execution.timeout.default";
    private static final String THREAD_MODE = "junit.jupiter.execution.timeout.thread.mode.default";

    /** Hands a test the JUnit configuration parameters the build passed to this run. */
    static final class Configuration implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
            return p.getParameter().getType() == ExtensionContext.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext e) {
            return e;
        }
    }

    @Test
    @DisplayName("the build sets a default time limit of 60 s for every test, enforced from a separate thread")
    void buildSetsTheLimit(ExtensionContext context, TestInfo info) {
        assertThat(context.getConfigurationParameter(DEFAULT)).contains("60 s");
        assertThat(context.getConfigurationParameter(THREAD_MODE)).contains("SEPARATE_THREAD");
    }

    @Test
    @DisplayName("with those settings a busy loop that never returns fails with a timeout, and the run goes on")
    void busyLoopFailsByName() {
        long start = System.nanoTime();
        var results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter(DEFAULT, "1 s")
                .configurationParameter(THREAD_MODE, "SEPARATE_THREAD")
                .selectors(selectMethod(Hangs.class, "spins"))
                .execute();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Hangs.stop = true; // the timed-out thread is abandoned, not killed: end its loop

        var failed = results.testEvents().failed().stream().toList();
        assertThat(failed).hasSize(1);
        Event event = failed.get(0);
        assertThat(event.getTestDescriptor().getDisplayName()).isEqualTo("spins()");
        assertThat(event.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow()).isInstanceOf(TimeoutException.class);
        assertThat(took).isLessThan(Duration.ofSeconds(30));
    }

    /** Run only through {@link EngineTestKit} above: a test whose loop never ends. */
    static final class Hangs {
        static volatile boolean stop;

        @Test
        void spins() {
            long n = 0;
            while (!stop) {
                n++;
            }
            assertThat(n).isNegative();
        }
    }
}
