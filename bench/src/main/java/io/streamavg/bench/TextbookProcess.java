package io.streamavg.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The textbook topology as a long-running part of the pipeline bench, in place of {@code streamavg
 * topology}: {@code TextbookProcess BOOTSTRAP APPLICATION_ID STATE_DIR READY_FILE} runs it until
 * SIGTERM, and creates {@code READY_FILE} once Kafka Streams is {@code RUNNING} (its partitions
 * assigned), as the services' {@code /health/ready} says for them. The bench watches its output
 * topic itself. Exits 1 if Kafka Streams fails.
 */
public final class TextbookProcess {

    private static final Logger LOG = LoggerFactory.getLogger(TextbookProcess.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private TextbookProcess() {
    }

    public static void main(final String[] args) throws Exception {
        final Path ready = Path.of(args[3]);
        final CountDownLatch stopped = new CountDownLatch(1);
        final KafkaStreams streams = new KafkaStreams(TextbookTopology.build(),
                TextbookTopology.properties(args[1], args[0], 1, Path.of(args[2])));
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("The textbook topology failed", error);
            stopped.countDown();
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                try {
                    Files.writeString(ready, "running\n");
                } catch (IOException e) {
                    LOG.error("Cannot write {}", ready, e);
                }
            }
        });
        final Thread hook = new Thread(() -> {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(CLOSE_TIMEOUT));
            stopped.countDown();
        }, "textbook-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        streams.start();
        stopped.await();
        if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.PENDING_ERROR) {
            Runtime.getRuntime().halt(1);
        }
    }
}
