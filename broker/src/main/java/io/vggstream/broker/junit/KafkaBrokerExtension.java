package io.vggstream.broker.junit;

import io.vggstream.broker.KraftBroker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one real in-process KRaft broker per test JVM (on first use, closed when the JVM's
 * tests end) and hands each test a {@link LocalKafka} whose topics are fresh: every name it
 * gives is unique to that test, so tests never see each other's records.
 *
 * <pre>{@code
 * @ExtendWith(KafkaBrokerExtension.class)
 * class FrameRoundTripIT {
 *     @Test void shouldX(LocalKafka kafka) { String topic = kafka.createTopic("frames", 3); ... }
 * }
 * }</pre>
 */
public final class KafkaBrokerExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);
    private static final AtomicInteger TESTS = new AtomicInteger();

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
        KraftBroker broker = context.getRoot().getStore(NS).getOrComputeIfAbsent(
            KraftBroker.class, k -> KraftBroker.start(KraftBroker.Settings.ephemeral(), Duration.ofSeconds(60)), KraftBroker.class);
        String owner = context.getTestMethod().map(m -> m.getName()).orElse(context.getDisplayName());
        return new LocalKafka(broker.bootstrapServers(), owner + "-" + TESTS.incrementAndGet());
    }
}
