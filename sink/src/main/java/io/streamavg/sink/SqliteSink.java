package io.streamavg.sink;

import io.streamavg.runtime.KafkaClientSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.streamavg.runtime.Health;
import io.streamavg.runtime.Service;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.runtime.ServiceRunner;
import io.streamavg.runtime.StartupException;
import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.ColumnStatsSerde;
import io.streamavg.wire.Topics;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the {@link Topics#COLUMN_AVERAGES} changelog into the {@code averages} table of one
 * SQLite file, exactly once: each poll's records are written together with the offsets they were
 * read up to, in one transaction, and a restart resumes from the offsets in the file, not from
 * the consumer group's. One thread owns the consumer and the database.
 */
public final class SqliteSink implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteSink.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    /** Attempts at one batch before a database failure counts as persistent, and fatal. */
    static final int APPLY_ATTEMPTS = 3;
    private static final Duration RETRY_BACKOFF = Duration.ofMillis(500);

    /**
     * What the sink has done since it started.
     *
     * @param recordsSkipped records that could not be read as column statistics, or had no key
     */
    public record Counters(long batchesApplied, long rowsWritten, long recordsSkipped) {
    }

    private final SinkConfig config;
    private final String topic;
    private final Map<String, Object> consumerSettings;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final MeterRegistry registry;
    private final SinkMeters meters;
    private volatile Health readiness = Health.down("not started");
    private AveragesTable table;
    private KafkaConsumer<String, ColumnStats> consumer;
    private KafkaClientMetrics consumerMetrics;
    private Thread loop;

    public SqliteSink(final SinkConfig config, final ServiceContext context) {
        this(config, context, Topics.COLUMN_AVERAGES);
    }

    /** Reads {@code topic} instead of the pipeline's: lets each integration test have a topic of its own. */
    SqliteSink(final SinkConfig config, final ServiceContext context, final String topic) {
        this.config = config;
        this.topic = topic;
        this.registry = context.meters();
        this.meters = new SinkMeters(registry);
        // Resolved here, so that a bad Kafka setting is a configuration error before anything starts.
        this.consumerSettings = consumerSettings(config);
    }

    @Override
    public synchronized void start(final Consumer<Throwable> onFatal) throws SQLException {
        if (closing.getCount() == 0 || loop != null) {
            throw new IllegalStateException("the sink was started or closed before");
        }
        readiness = Health.down("opening " + config.db());
        try {
            table = AveragesTable.open(config.db(), config.synchronous());
        } catch (SQLException e) {
            throw new StartupException("cannot use " + config.db().toAbsolutePath() + " (--" + SinkConfig.DB + "): " + e.getMessage(), e);
        }
        try {
            consumer = new KafkaConsumer<>(consumerSettings, new StringDeserializer(), new ColumnStatsSerde());
            consumerMetrics = new KafkaClientMetrics(consumer);
            consumerMetrics.bindTo(registry);
        } catch (RuntimeException e) {
            try {
                table.close();
            } catch (SQLException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
        LOG.info("Sink writing {} to {} (schema version {}, synchronous {}, group {})",
                topic, config.db().toAbsolutePath(), SchemaMigrations.LATEST, config.synchronous(), config.groupId());
        readiness = Health.down("waiting for partitions of " + topic);
        loop = new Thread(() -> run(onFatal), "streamavg-sink");
        loop.start();
    }

    private static Map<String, Object> consumerSettings(final SinkConfig config) {
        final Map<String, Object> settings = new HashMap<>(KafkaClientSettings.resolve(config));
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        // The database's offsets are the ones that count; Kafka's are committed after the fact.
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // The topology writes in transactions: aborted statistics must never reach the table.
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return settings;
    }

    private void run(final Consumer<Throwable> onFatal) {
        Exception failure = null;
        try {
            consumer.subscribe(List.of(topic), new SeekToStoredOffsets());
            while (closing.getCount() > 0) {
                pollOnce();
            }
        } catch (WakeupException e) {
            if (closing.getCount() > 0) {
                failure = e;
            }
        } catch (Exception e) {
            failure = e;
        } finally {
            try {
                consumerMetrics.close();
                consumer.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing the Kafka consumer failed", e);
            }
            try {
                table.close();
            } catch (SQLException e) {
                LOG.warn("Closing {} failed", config.db(), e);
            }
        }
        if (failure == null) {
            LOG.info("Sink stopped; {}", counters());
        } else if (closing.getCount() == 0) {
            // Nothing is lost: what was not written is read again from Kafka at the next start.
            LOG.warn("Sink stopped while closing, with an unwritten batch: {}", failure.toString());
        } else {
            LOG.error("Sink failed and stopped; {}", counters(), failure);
            readiness = Health.down("failed: " + failure);
            onFatal.accept(failure);
        }
    }

    private void pollOnce() throws SQLException, InterruptedException {
        final ConsumerRecords<String, ColumnStats> records;
        try {
            records = consumer.poll(POLL_TIMEOUT);
        } catch (RecordDeserializationException e) {
            skip(e);
            return;
        }
        readiness = consumer.assignment().isEmpty() ? Health.down("no partition of " + topic + " assigned") : Health.up();
        if (records.isEmpty()) {
            return;
        }
        // Within a partition a later record supersedes an earlier one of the same column.
        final Map<String, AveragesTable.Change> latest = new LinkedHashMap<>();
        final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
        for (final ConsumerRecord<String, ColumnStats> record : records) {
            nextOffsets.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            if (record.key() == null) {
                meters.recordsSkipped.increment();
                LOG.warn("Skipping a record without key (column name) at {}-{} offset {}", record.topic(), record.partition(), record.offset());
                continue;
            }
            final Instant updatedAt = record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : null;
            latest.put(record.key(), new AveragesTable.Change(record.key(), record.value(), updatedAt));
        }
        final long started = System.nanoTime();
        final int written = applyWithRetries(latest.values(), nextOffsets);
        meters.batchDuration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        meters.batches.increment();
        meters.rowsUpserted.increment(written);
        LOG.debug("Applied {} records as {} changes ({} rows written); next offsets {}", records.count(), latest.size(), written, nextOffsets);
        final Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        nextOffsets.forEach((partition, offset) -> commit.put(partition, new OffsetAndMetadata(offset)));
        consumer.commitAsync(commit, (offsets, error) -> {
            if (error != null) {
                LOG.debug("Informational offset commit to Kafka failed: {}", error.toString());
            }
        });
    }

    /**
     * Steps over a record that is not column statistics, so that bad data is counted and logged
     * rather than retried for ever, and stores the step so that a restart does not meet it again.
     * Everything before it in its partition was returned by earlier polls, and is written already.
     */
    private void skip(final RecordDeserializationException e) throws SQLException, InterruptedException {
        final TopicPartition partition = e.topicPartition();
        meters.recordsSkipped.increment();
        LOG.warn("Skipping the record at {} offset {}: its {} is not column statistics: {}", partition, e.offset(),
                e.origin().name().toLowerCase(Locale.ROOT), e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        consumer.seek(partition, e.offset() + 1);
        applyWithRetries(List.of(), Map.of(partition, e.offset() + 1));
    }

    private int applyWithRetries(final Collection<AveragesTable.Change> changes, final Map<TopicPartition, Long> nextOffsets)
            throws SQLException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return table.apply(changes, nextOffsets);
            } catch (SQLException e) {
                if (attempt == APPLY_ATTEMPTS) {
                    throw e;
                }
                final Duration backoff = RETRY_BACKOFF.multipliedBy(attempt);
                LOG.warn("Writing {} changes to {} failed (attempt {} of {}), retrying in {} ms: {}",
                        changes.size(), config.db(), attempt, APPLY_ATTEMPTS, backoff.toMillis(), e.getMessage());
                if (closing.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw e;
                }
            }
        }
    }

    public Counters counters() {
        return meters.snapshot();
    }

    @Override
    public Health readiness() {
        return closing.getCount() == 0 ? Health.down("closed") : readiness;
    }

    /** Live while its thread runs, or before it starts; a thread that ended without being told to is not. */
    @Override
    public Health liveness() {
        final Thread running;
        synchronized (this) {
            running = loop;
        }
        return running == null || running.isAlive() || closing.getCount() == 0 ? Health.up() : Health.down("the sink's thread ended");
    }

    /** Stops polling, finishes the batch in hand, then closes consumer and database, waiting at most {@link ServiceRunner#CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        final Thread running;
        synchronized (this) {
            if (closing.getCount() == 0) {
                return;
            }
            closing.countDown();
            running = loop;
            if (consumer != null) {
                consumer.wakeup();
            }
        }
        // onFatal may close the sink from the sink's own thread, which must not wait for itself.
        if (running == null || running == Thread.currentThread()) {
            return;
        }
        try {
            running.join(ServiceRunner.CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (running.isAlive()) {
            LOG.warn("The sink's thread did not stop within {}", ServiceRunner.CLOSE_TIMEOUT);
        }
    }

    /** Seeks each assigned partition to the offset stored in the database, or to its beginning when there is none. */
    private final class SeekToStoredOffsets implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            final Map<TopicPartition, Long> stored;
            try {
                stored = table.storedOffsets();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the stored offsets of " + config.db(), e);
            }
            final Map<TopicPartition, Long> resumeAt = new LinkedHashMap<>();
            for (final TopicPartition partition : partitions) {
                final Long next = stored.get(partition);
                if (next == null) {
                    consumer.seekToBeginning(List.of(partition));
                } else {
                    consumer.seek(partition, next);
                    resumeAt.put(partition, next);
                }
            }
            LOG.info("Assigned {}; resuming at stored offsets {}, from the beginning elsewhere", partitions, resumeAt);
        }

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                LOG.info("Revoked {}", partitions);
            }
        }
    }
}
