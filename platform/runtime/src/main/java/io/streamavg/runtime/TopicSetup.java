package io.streamavg.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creating the pipeline's topics, and waiting until a broker serves every one of their partitions. */
public final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {
    }

    /** Creates those of {@code topics} that do not exist yet; existing ones are left as they are. */
    public static void createMissing(final Admin admin, final List<NewTopic> topics, final Duration timeout)
            throws InterruptedException, TimeoutException {
        final var result = admin.createTopics(topics);
        for (final NewTopic topic : topics) {
            try {
                result.values().get(topic.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("Created topic {} ({} partitions)", topic.name(), topic.numPartitions());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause(), e.getCause());
                }
            }
        }
    }

    /**
     * Returns once every partition of {@code topics} has a leader that answers offset requests.
     * Producing before that, right after the topics were created, can lose idempotent batches to
     * OUT_OF_ORDER_SEQUENCE_NUMBER retries (KAFKA-15591); asking first costs one round trip.
     *
     * @throws TimeoutException when {@code timeout} passes first, naming what was missing
     */
    public static void awaitServed(final Admin admin, final Collection<String> topics, final Duration timeout)
            throws InterruptedException, TimeoutException {
        final Instant deadline = Instant.now().plus(timeout);
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                final Map<String, TopicDescription> descriptions =
                        admin.describeTopics(topics).allTopicNames().get(remaining(deadline), TimeUnit.MILLISECONDS);
                final Map<TopicPartition, OffsetSpec> request = new HashMap<>();
                descriptions.values().forEach(description -> description.partitions().forEach(
                        partition -> request.put(new TopicPartition(description.name(), partition.partition()), OffsetSpec.latest())));
                admin.listOffsets(request).all().get(remaining(deadline), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                last = e;
                Thread.sleep(100); // a retry back-off against the broker, not a synchronisation
            }
        }
        throw new TimeoutException("partitions of " + topics + " not served within " + timeout
                + (last == null ? "" : ": " + (last.getCause() == null ? last : last.getCause())));
    }

    private static long remaining(final Instant deadline) {
        return Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
    }
}
