package io.vggstream.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The child JVM that {@code ./vggstream kafka start} leaves running: one {@link KraftBroker}
 * until SIGTERM, which shuts it down cleanly.
 *
 * <p>Usage: {@code BrokerMain DATA_DIR PORT CONTROLLER_PORT}.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: BrokerMain DATA_DIR PORT CONTROLLER_PORT");
            System.exit(2);
        }
        KraftBroker.Settings settings = new KraftBroker.Settings(
            Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]), false, Map.of());
        KraftBroker broker = KraftBroker.start(settings, Duration.ofSeconds(60));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "kafka-shutdown"));
        System.out.println("vggstream: Kafka broker ready on " + broker.bootstrapServers());
        stopped.await();
    }
}
