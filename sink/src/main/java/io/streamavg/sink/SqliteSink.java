package io.streamavg.sink;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.streamavg.runtime.Health;
import io.streamavg.runtime.KafkaClientSettings;
import io.streamavg.runtime.Service;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.runtime.ServiceRunner;
import io.streamavg.runtime.StartupException;
import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.ColumnStatsSerde;
import io.streamavg.wire.Topics;
import io.streamavg.wire.WindowKey;
import io.streamavg.wire.WindowKeySerde;
import io.streamavg.wire.WindowStats;
import io.streamavg.wire.WindowStatsSerde;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the {@link Topics#COLUMN_AVERAGES} and {@link Topics#WINDOW_AVERAGES} changelogs into the
 * {@code averages} and {@code window_averages} tables of one SQLite file, exactly once: each poll's
 * records are written together with the offsets they were read up to, in one transaction, and a
 * restart resumes from the offsets in the file, not from the consumer group's. One thread owns the
 * consumer and the database.
 */
public final class SqliteSink implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteSink.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    /** Attempts at one batch before a database failure that is not a lock nor an unwritable file counts as persistent, and fatal. */
    static final int APPLY_ATTEMPTS = 3;
    private static final Duration RETRY_BACKOFF = Duration.ofMillis(500);
    /** Between attempts while the database cannot be written: the consumer keeps polling (paused) meanwhile. */
    private static final Duration UNWRITABLE_BACKOFF = Duration.ofSeconds(1);
    /** How often old windows are looked for when no batch comes. */
    private static final Duration RETENTION_SWEEP = Duration.ofMinutes(1);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    /** Records per poll, and so at most per transaction, unless --kafka-config says otherwise. */
    static final int MAX_POLL_RECORDS = 20_000;

    /**
     * What the sink has done since it started.
     *
     * @param rowsWritten    rows inserted, updated or deleted
     * @param recordsSkipped records that could not be read as statistics, or had no key
     */
    public record Counters(long batchesApplied, long rowsWritten, long recordsSkipped) {
    }

    /** The topics the sink reads: the pipeline's, or a test's own. */
    record SourceTopics(String averages, String windows) {

        static final SourceTopics PIPELINE = new SourceTopics(Topics.COLUMN_AVERAGES, Topics.WINDOW_AVERAGES);

        List<String> both() {
            return List.of(averages, windows);
        }
    }

    private final SinkConfig config;
    private final SourceTopics topics;
    private final Map<String, Object> consumerSettings;
    private final Map<String, Object> adminSettings;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final MeterRegistry registry;
    private final SinkMeters meters;
    private final Clock clock;
    private final ColumnStatsSerde columnStats = new ColumnStatsSerde();
    private final WindowKeySerde windowKeys = new WindowKeySerde();
    private final WindowStatsSerde windowStats = new WindowStatsSerde();
    private volatile Health readiness = Health.down("not started");
    /** Topics whose source was checked against the database, with the source to store where it was not there yet. */
    private final Map<String, SinkDatabase.Source> checkedSources = new HashMap<>();
    private final Map<String, SinkDatabase.Source> sourcesToStore = new HashMap<>();
    private StartupException sourceChanged;
    private Instant nextRetentionSweep = Instant.MIN;
    private boolean waitingForDatabase;
    // Guarded by this.
    private SinkDatabase database;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Admin admin;
    private KafkaClientMetrics consumerMetrics;
    private Thread loop;

    public SqliteSink(final SinkConfig config, final ServiceContext context) {
        this(config, context, SourceTopics.PIPELINE, Clock.systemUTC());
    }

    /** Reads {@code topics} instead of the pipeline's: lets each integration test have topics of its own. */
    SqliteSink(final SinkConfig config, final ServiceContext context, final SourceTopics topics, final Clock clock) {
        this.config = config;
        this.topics = topics;
        this.clock = clock;
        this.registry = context.meters();
        this.meters = new SinkMeters(registry);
        // Resolved here, so that a bad Kafka setting is a configuration error before anything starts.
        this.consumerSettings = consumerSettings(config);
        this.adminSettings = new HashMap<>(KafkaClientSettings.resolve(config));
        this.adminSettings.keySet().retainAll(AdminClientConfig.configNames());
    }

    /**
     * Opens and migrates the database (and empties it with {@code --reset-db}), unless done before:
     * {@code local} calls it before its broker starts, so that a {@code --db} that cannot be used
     * stops it at once. While another program holds the write lock, it waits however long, not
     * ready and saying why, until the lock is released or the sink is closed.
     *
     * @throws StartupException naming {@code --db} and the path when the file cannot be used
     */
    public void openDatabase() {
        synchronized (this) {
            if (database != null) {
                return;
            }
            if (closing.getCount() == 0) {
                throw new IllegalStateException("the sink was closed");
            }
            readiness = Health.down("opening " + config.db());
        }
        // Without the lock on this: close() must be able to end the wait.
        final SinkDatabase opened = openWhenNotLocked();
        synchronized (this) {
            if (closing.getCount() == 0) {
                closeQuietly(opened, null);
                throw new IllegalStateException("the sink was closed while opening " + config.db());
            }
            database = opened;
            readiness = Health.down("not started yet (" + config.db() + " is open)");
        }
    }

    /** Opens, migrates and maybe empties the database, trying again every second while another program holds its write lock. */
    private SinkDatabase openWhenNotLocked() {
        Instant waitingSince = null;
        while (true) {
            try {
                final SinkDatabase opened = openAndReset();
                if (waitingSince != null) {
                    LOG.info("{} could be opened after waiting {} s for another program's lock", config.db(),
                            Duration.between(waitingSince, clock.instant()).toSeconds());
                    meters.writable.set(1);
                }
                return opened;
            } catch (StartupException e) {
                final String locked = DatabaseFile.whyLocked(e.getCause());
                if (locked == null) {
                    throw e;
                }
                if (waitingSince == null) {
                    waitingSince = clock.instant();
                    LOG.warn("Cannot open {} for writing (schema migration, WAL mode or --{}): {}; waiting until it can be,"
                            + " trying again every {} s", config.db().toAbsolutePath(), SinkConfig.RESET_DB, locked,
                            UNWRITABLE_BACKOFF.toSeconds());
                }
                meters.writable.set(0);
                readiness = Health.down("cannot open " + config.db().toAbsolutePath() + " for writing since " + waitingSince + ": "
                        + locked + "; the sink migrates it and starts when it can");
                try {
                    if (closing.await(UNWRITABLE_BACKOFF.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new IllegalStateException("the sink was closed while waiting to open " + config.db());
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting to open " + config.db(), interrupted);
                }
            }
        }
    }

    private SinkDatabase openAndReset() {
        final SinkDatabase opened = DatabaseFile.open(config.db(), config.synchronous());
        if (config.resetDb()) {
            try {
                opened.reset();
            } catch (SQLException e) {
                closeQuietly(opened, e);
                throw new StartupException(DatabaseFile.problem(config.db(), e) + " (emptying it for --" + SinkConfig.RESET_DB + ")", e);
            }
            LOG.warn("--{}: emptied averages, window_averages and the stored offsets of {}; rebuilding them from the beginning of {}",
                    SinkConfig.RESET_DB, config.db().toAbsolutePath(), topics.both());
        }
        return opened;
    }

    @Override
    public void start(final Consumer<Throwable> onFatal) {
        synchronized (this) {
            if (closing.getCount() == 0 || loop != null) {
                throw new IllegalStateException("the sink was started or closed before");
            }
        }
        openDatabase();
        synchronized (this) {
            if (closing.getCount() == 0) {
                throw new IllegalStateException("the sink was closed while it started");
            }
            startLoop(onFatal);
        }
    }

    private void startLoop(final Consumer<Throwable> onFatal) {
        try {
            consumer = new KafkaConsumer<>(consumerSettings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumerMetrics = new KafkaClientMetrics(consumer);
            consumerMetrics.bindTo(registry);
            admin = Admin.create(adminSettings);
        } catch (RuntimeException e) {
            if (consumer != null) {
                consumer.close();
            }
            closeQuietly(database, e);
            throw e;
        }
        LOG.info("Sink writing {} to {} (schema version {}, synchronous {}, window retention {}, group {})",
                topics.both(), config.db().toAbsolutePath(), SchemaMigrations.LATEST, config.synchronous(),
                config.windowRetention(), config.groupId());
        readiness = Health.down("waiting for partitions of " + topics.both());
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
        // A topic the sink subscribes to before the topology made it (window-averages, from an older
        // topology) must not be created with the broker's defaults: it would never be compacted.
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // One transaction per poll: Kafka's 500 records would cost a commit per 500 updates, and
        // fold nothing when a backlog cycles through more columns than that. Left to --kafka-config.
        settings.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        return settings;
    }

    private void run(final Consumer<Throwable> onFatal) {
        Exception failure = null;
        try {
            consumer.subscribe(topics.both(), new SeekToStoredOffsets());
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
                admin.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing the Kafka clients failed", e);
            }
            final SinkDatabase last;
            synchronized (this) {
                last = database;
            }
            try {
                if (last != null) {
                    last.close();
                }
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
            if (failure instanceof StartupException) {
                // The user's to fix, and the message says how: the runner prints it, once, without a stack trace.
                LOG.debug("Sink stopped", failure);
            } else {
                LOG.error("Sink failed and stopped; {}", counters(), failure);
            }
            readiness = Health.down("failed: " + (failure.getMessage() == null ? failure.toString() : failure.getMessage()));
            onFatal.accept(failure);
        }
    }

    private void pollOnce() throws SQLException, InterruptedException {
        final ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
        if (sourceChanged != null) {
            throw sourceChanged;
        }
        readiness = consumer.assignment().isEmpty() ? Health.down("no partition of " + topics.both() + " assigned") : Health.up();
        final Instant now = clock.instant();
        final boolean sweepDue = retentionCutoff(now) != null && !now.isBefore(nextRetentionSweep);
        if (records.isEmpty() && !sweepDue) {
            return;
        }
        // Within a partition a later record supersedes an earlier one of the same key.
        final Map<String, SinkDatabase.Change> averages = new LinkedHashMap<>();
        final Map<WindowKey, SinkDatabase.WindowChange> windows = new LinkedHashMap<>();
        final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
        for (final ConsumerRecord<byte[], byte[]> record : records) {
            nextOffsets.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            final Instant updatedAt = record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : null;
            try {
                if (record.topic().equals(topics.averages())) {
                    final SinkDatabase.Change change = averagesChange(record, updatedAt);
                    averages.put(change.column(), change);
                } else {
                    final SinkDatabase.WindowChange change = windowChange(record, updatedAt);
                    windows.put(change.key(), change);
                }
            } catch (SerializationException | IllegalArgumentException e) {
                meters.recordsSkipped.increment();
                LOG.warn("Skipping the record at {}-{} offset {}: {}", record.topic(), record.partition(), record.offset(),
                        e.getCause() == null ? e.getMessage() : e.getMessage() + ": " + e.getCause().getMessage());
            }
        }
        final Map<String, SinkDatabase.Source> sources = Map.copyOf(sourcesToStore);
        final SinkDatabase.Batch batch = new SinkDatabase.Batch(averages.values(), windows.values(), nextOffsets, sources,
                retentionCutoff(now));
        final long started = System.nanoTime();
        final SinkDatabase.Written written = applyUntilWritten(batch);
        final long took = System.nanoTime() - started;
        sourcesToStore.keySet().removeAll(sources.keySet());
        nextRetentionSweep = now.plus(RETENTION_SWEEP);
        meters.rowsDeleted.increment(written.deleted());
        if (records.isEmpty()) {
            // A retention sweep alone: not a batch of records.
            return;
        }
        meters.batchDuration.record(took, TimeUnit.NANOSECONDS);
        meters.batches.increment();
        meters.batchSize.record(records.count());
        meters.rowsUpserted.increment(written.upserted());
        LOG.debug("Applied {} records as {} changes ({}); next offsets {}", records.count(), averages.size() + windows.size(),
                written, nextOffsets);
        final Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        nextOffsets.forEach((partition, offset) -> commit.put(partition, new OffsetAndMetadata(offset)));
        consumer.commitAsync(commit, (offsets, error) -> {
            if (error != null) {
                LOG.debug("Informational offset commit to Kafka failed: {}", error.toString());
            }
        });
    }

    private Instant retentionCutoff(final Instant now) {
        final Duration retention = config.windowRetention();
        return retention.isZero() ? null : now.minus(retention);
    }

    private SinkDatabase.Change averagesChange(final ConsumerRecord<byte[], byte[]> record, final Instant updatedAt) {
        if (record.key() == null) {
            throw new IllegalArgumentException("it has no key (column name)");
        }
        final String column = new String(record.key(), StandardCharsets.UTF_8);
        return new SinkDatabase.Change(column, columnStats.deserialize(record.topic(), record.value()), updatedAt);
    }

    private SinkDatabase.WindowChange windowChange(final ConsumerRecord<byte[], byte[]> record, final Instant updatedAt) {
        if (record.key() == null) {
            throw new IllegalArgumentException("it has no key (column and window start)");
        }
        final WindowKey key = windowKeys.deserialize(record.topic(), record.key());
        if (key.column() == null || key.windowStart() == null) {
            throw new IllegalArgumentException("its key has no column or no window start");
        }
        final WindowStats stats = windowStats.deserialize(record.topic(), record.value());
        if (stats != null && stats.windowEnd() == null) {
            throw new IllegalArgumentException("its statistics have no window end");
        }
        return new SinkDatabase.WindowChange(key, stats, updatedAt);
    }

    /**
     * Writes the batch, however long that takes: while another program holds the write lock, or
     * the file cannot be written (read-only, disk full), the sink waits with its partitions paused,
     * reports it on {@code /health/ready} and the writable meter, and tries again every second. Other
     * failures are tried {@link #APPLY_ATTEMPTS} times, then are fatal.
     */
    private SinkDatabase.Written applyUntilWritten(final SinkDatabase.Batch batch) throws SQLException, InterruptedException {
        Instant waitingSince = null;
        for (int attempt = 1; ; ) {
            try {
                final SinkDatabase.Written written = applyOnce(batch);
                if (waitingSince != null) {
                    LOG.info("{} can be written again after {} s; catching up", config.db(),
                            Duration.between(waitingSince, clock.instant()).toSeconds());
                    consumer.resume(consumer.paused());
                    waitingForDatabase = false;
                    meters.writable.set(1);
                    readiness = Health.up();
                }
                return written;
            } catch (SQLException e) {
                final String unwritable = DatabaseFile.whyUnwritable(e);
                if (unwritable != null) {
                    if (waitingSince == null) {
                        waitingSince = clock.instant();
                        LOG.warn("Cannot write {}: {}; waiting until it can be, trying again every {} s",
                                config.db().toAbsolutePath(), unwritable, UNWRITABLE_BACKOFF.toSeconds());
                    }
                    waitingForDatabase = true;
                    meters.writable.set(0);
                    readiness = Health.down("cannot write " + config.db().toAbsolutePath() + " since " + waitingSince + ": "
                            + unwritable + "; the sink catches up when it can");
                    pollPaused(UNWRITABLE_BACKOFF);
                    continue;
                }
                if (attempt == APPLY_ATTEMPTS) {
                    throw e;
                }
                final Duration backoff = RETRY_BACKOFF.multipliedBy(attempt);
                LOG.warn("Writing a batch to {} failed (attempt {} of {}), retrying in {} ms: {}",
                        config.db(), attempt, APPLY_ATTEMPTS, backoff.toMillis(), e.getMessage());
                attempt++;
                if (closing.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Writes the batch through the open connection, or a new one when the last attempt failed. A
     * failed transaction leaves the connection behind: SQLite ends a transaction by itself on some
     * failures (an I/O error, a full disk) where the driver still thinks one is open, and would
     * then run the next batch's statements one by one outside any transaction; and a connection
     * opened while the file was read-only stays read-only after it is writable again.
     */
    private SinkDatabase.Written applyOnce(final SinkDatabase.Batch batch) throws SQLException {
        final SinkDatabase current = database();
        try {
            return current.apply(batch);
        } catch (SQLException | RuntimeException e) {
            synchronized (this) {
                database = null;
            }
            current.abandon(e);
            throw e;
        }
    }

    /** The open connection, or a new one, opened (and its schema checked) now. */
    private SinkDatabase database() throws SQLException {
        synchronized (this) {
            if (database != null) {
                return database;
            }
        }
        final SinkDatabase opened = SinkDatabase.open(config.db(), config.synchronous());
        synchronized (this) {
            database = opened;
        }
        return opened;
    }

    /**
     * Waits by polling with every partition paused, so that the consumer stays in its group
     * however long the wait; a record that slips through (a partition assigned meanwhile) is
     * read again later.
     */
    private void pollPaused(final Duration timeout) {
        consumer.pause(consumer.assignment());
        final ConsumerRecords<byte[], byte[]> unexpected = consumer.poll(timeout);
        for (final TopicPartition partition : unexpected.partitions()) {
            consumer.seek(partition, unexpected.records(partition).get(0).offset());
        }
        if (sourceChanged != null) {
            throw sourceChanged;
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
            if (running == null && database != null) {
                // Opened early by openDatabase(), never started: nothing else will close it.
                closeQuietly(database, null);
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

    private void closeQuietly(final SinkDatabase opened, final Exception failure) {
        try {
            opened.close();
        } catch (SQLException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                LOG.warn("Closing {} failed", config.db(), e);
            }
        }
    }

    /**
     * On assignment: checks that each topic is the one the database's offsets came from, then seeks
     * each partition to the offset stored in the database, or to its beginning when there is none.
     */
    private final class SeekToStoredOffsets implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            if (waitingForDatabase) {
                consumer.pause(partitions);
            }
            final Map<TopicPartition, Long> stored;
            try {
                checkSources(partitions);
                stored = database().storedOffsets();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the stored offsets of " + config.db(), e);
            } catch (StartupException e) {
                sourceChanged = e;
                consumer.pause(partitions);
                return;
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

    /**
     * Compares each newly assigned topic's id and cluster id with those stored beside its offsets.
     * A different one means the offsets belong to another history (the broker's data deleted, the
     * topic recreated, another cluster): resuming would mix two histories, so the sink stops.
     */
    private void checkSources(final Collection<TopicPartition> partitions) throws SQLException {
        final List<String> unchecked = partitions.stream().map(TopicPartition::topic).distinct()
                .filter(topic -> !checkedSources.containsKey(topic)).toList();
        if (unchecked.isEmpty()) {
            return;
        }
        final Map<String, SinkDatabase.Source> current = describe(unchecked);
        final Map<String, SinkDatabase.Source> stored = database().storedSources();
        final List<String> changed = new ArrayList<>();
        for (final String topic : unchecked) {
            final SinkDatabase.Source now = current.get(topic);
            final SinkDatabase.Source before = stored.get(topic);
            if (before == null) {
                sourcesToStore.put(topic, now);
            } else if (!before.equals(now)) {
                changed.add(topic + " (topic id " + before.topicId() + " in cluster " + before.clusterId() + "; Kafka now has topic id "
                        + now.topicId() + " in cluster " + now.clusterId() + ")");
            }
            checkedSources.put(topic, now);
        }
        if (!changed.isEmpty()) {
            throw new StartupException("--" + SinkConfig.DB + " " + config.db().toAbsolutePath() + " holds statistics read from another "
                    + String.join(" and another ", changed) + ", as when the broker's data was deleted but not the database."
                    + " To keep that file, give --" + SinkConfig.DB + " another path; to empty it and rebuild it from this topic,"
                    + " start once with --" + SinkConfig.RESET_DB);
        }
    }

    private Map<String, SinkDatabase.Source> describe(final List<String> topicNames) {
        try {
            final String clusterId = admin.describeCluster().clusterId().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            final Map<String, TopicDescription> descriptions = admin.describeTopics(topicNames).allTopicNames()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            final Map<String, SinkDatabase.Source> sources = new HashMap<>();
            descriptions.forEach((name, description) -> sources.put(name, new SinkDatabase.Source(description.topicId().toString(), clusterId)));
            return sources;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe " + topicNames + " to check where their stored offsets came from", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        }
    }
}
