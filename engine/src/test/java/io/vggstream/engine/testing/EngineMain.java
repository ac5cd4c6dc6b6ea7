package io.vggstream.engine.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.runtime.StopSignals;
import io.vggstream.engine.runtime.StreamingEngine;
import io.vggstream.engine.infer.OrtModel;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.settings.Delivery;
import io.vggstream.engine.ops.OpsServer;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The engine as a separate process, for tests that kill it: {@code EngineMain BOOTSTRAP FRAMES
 * PREDICTIONS DLQ GROUP MODEL PROTOCOL DELIVERY TXN_ID [ops]}; TXN_ID {@code default} takes the settings'
 * own; Kafka client properties from the config (e.g. {@code -Dvggstream.kafka.clients.session.timeout.ms=6000}).
 * Prints {@code TXN <id>}, then READY once consuming; SIGTERM drains, closes the engine and exits 0, as
 * {@code vggstream run} does (through {@link StopSignals}), printing {@code STOPPING <frames in flight> <frames answered>}
 * at the signal and {@code STOPPED <frames answered>} at the end (answered: predictions and dead letters); when the
 * streams end by themselves (a failure, a fatal error), it prints {@code ENDED <why>}, stops the same way and exits 1.
 * With {@code ops}, serves the ops endpoints on a free port and prints {@code OPS <port>} before READY.
 */
public final class EngineMain {

    private EngineMain() {
    }

    public static void main(String[] a) throws Exception {
        StopSignals signals = StopSignals.install();
        Config config = ConfigFactory.load();
        TopicsSettings topics = TopicsSettings.from(config).withNames(a[1], a[2], a[3]);
        EngineSettings settings = EngineSettings.from(config).withModels(List.of(Path.of(a[5]))).withProtocol(Protocol.parse(a[6]))
            .withInference(InferenceSettings.from(config).withDevices(List.of(Device.parse("cpu")))).withGroupId(a[4]);
        // TXN_ID "default": the settings' own, "<group>-<host name>" (HOSTNAME in the environment names the host).
        settings = settings.withDelivery(new Delivery(a[7].equals("exactly-once"),
            a[8].equals("default") ? settings.delivery().transactionalId() : a[8]));
        System.out.println("TXN " + settings.delivery().transactionalId());
        // Client properties from -Dvggstream.kafka.clients... (a test's session timeout), like the CLI's config.
        KafkaSettings kafka = KafkaSettings.from(config).withBootstrapServers(a[0]);
        StreamingEngine running = StreamingEngine.start(Engine.start(settings, config), kafka, topics);
        OpsServer ops = a.length > 9 && a[9].equals("ops") ? OpsServer.start(0) : null;
        if (ops != null) {
            ops.attach(running);
            System.out.println("OPS " + ops.port());
        }
        System.out.println("READY");
        System.out.flush();
        // As run does: a signal, or the streams' end (a failure, or a fatal error that terminated the actor system).
        boolean failed = false;
        try {
            java.util.concurrent.CompletableFuture.anyOf(signals.requested().toCompletableFuture(), running.ended().toCompletableFuture())
                .join();
        } catch (java.util.concurrent.CompletionException e) {
            failed = true;
            System.out.println("ENDED " + (e.getCause() == null ? e : e.getCause()).getMessage());
            System.out.flush();
        }
        // What the stop had to finish: frames consumed but not yet answered when the signal came.
        EngineMetrics m = running.engine().metrics();
        System.out.println("STOPPING " + m.inFlight() + " " + (m.predictions() + m.deadLetters()));
        System.out.flush();
        running.close();
        if (ops != null) {
            ops.close();
        }
        System.out.println("STOPPED " + (m.predictions() + m.deadLetters()));
        System.out.flush();
        if (OrtModel.runsInProgress() > 0) {
            // As RunCommand: exiting would run ONNX Runtime's shutdown hook under the run.
            Runtime.getRuntime().halt(3);
        }
        System.exit(failed ? 1 : 0);
    }
}
