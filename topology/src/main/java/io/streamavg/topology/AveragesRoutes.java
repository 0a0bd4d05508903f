package io.streamavg.topology;

import io.javalin.http.Context;
import io.streamavg.runtime.Health;
import io.streamavg.runtime.HttpRoutes;
import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.Topics;
import io.streamavg.wire.WindowStats;
import io.streamavg.wire.WindowStatsSerde;
import io.javalin.http.ContentType;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology's live queries, {@code GET /averages} and {@code GET /averages/{column}}, from the
 * {@link StatsTopology#COLUMN_STATS_STORE} store of whichever instance holds each column, so that
 * any instance answers for every column. Instances ask each other for named partitions only
 * ({@code ?partition=}, {@code ?partitions=}), which the asked one answers from its own store or
 * refuses: a request is never forwarded twice, and a partition is never counted twice or left out
 * because two instances see different assignments. What cannot be answered whole now (this
 * instance not running, a store moving or restoring, an instance not answering) is a 503 with
 * {@code Retry-After}, never a partial or empty 200.
 */
final class AveragesRoutes {

    /** Asks for one partition of this instance's own store: how one instance forwards a column to another. */
    static final String PARTITION = "partition";
    /** Asks for these partitions of this instance's own store: how one instance gathers the others'. */
    static final String PARTITIONS = "partitions";
    /** The start of the time /windows answers for (ISO-8601); an hour before {@link #TO} unless given. */
    static final String FROM = "from";
    /** The end of the time /windows answers for (ISO-8601); now unless given. */
    static final String TO = "to";
    static final Duration DEFAULT_WINDOW_SPAN = Duration.ofHours(1);
    static final String RETRY_AFTER_SECONDS = "1";
    /** Columns by position, "2" before "10"; any names that are not positions after them, alphabetically. */
    static final Comparator<ColumnStats> COLUMN_ORDER = Comparator
            .comparing((ColumnStats stats) -> !isPosition(stats.column()))
            .thenComparingInt(stats -> isPosition(stats.column()) ? stats.column().length() : 0)
            .thenComparing(ColumnStats::column);

    private static final Logger LOG = LoggerFactory.getLogger(AveragesRoutes.class);
    private static final StringSerializer KEYS = new StringSerializer();
    private static final WindowStatsSerde WINDOW_JSON = new WindowStatsSerde();

    private final TopologyService service;
    private final String totalsTopic;
    private final PeerClient peers;
    private final Duration windowSize;
    private final Duration windowRetention;
    private final Clock clock;

    /**
     * @param totalsTopic the topic whose partitions are the store's (see {@link StatsTopology#totalsTopic})
     * @param windowSize the size of the windows in {@link StatsTopology#WINDOW_STATS_STORE}
     * @param windowRetention how long that store keeps them
     */
    AveragesRoutes(final TopologyService service, final String totalsTopic, final PeerClient peers, final Duration windowSize,
                   final Duration windowRetention, final Clock clock) {
        this.service = service;
        this.totalsTopic = totalsTopic;
        this.peers = peers;
        this.windowSize = windowSize;
        this.windowRetention = windowRetention;
        this.clock = clock;
    }

    void register(final HttpRoutes routes) {
        routes.get("/averages", ctx -> answer(ctx, this::all))
                .get("/averages/{column}", ctx -> answer(ctx, this::one))
                .get("/windows/{column}", ctx -> answer(ctx, this::windows));
    }

    private static void answer(final Context ctx, final Consumer<Context> query) {
        try {
            query.accept(ctx);
        } catch (BadQueryException e) {
            ctx.status(400).json(new QueryError(e.getMessage(), null));
        } catch (StatsUnavailableException e) {
            unavailable(ctx, e.getMessage());
        } catch (InvalidStateStoreException e) {
            // Between the state check and the read, a rebalance took a store away or gave one still restoring.
            unavailable(ctx, "the statistics are moving between instances: " + e.getMessage());
        }
    }

    private static void unavailable(final Context ctx, final String reason) {
        LOG.debug("{} {}: 503, {}", ctx.method(), ctx.path(), reason);
        ctx.status(503).header("Retry-After", RETRY_AFTER_SECONDS).json(new QueryError(reason, null));
    }

    private void one(final Context ctx) {
        final String column = ctx.pathParam("column");
        final OptionalInt asked = partition(ctx);
        final KafkaStreams streams = running();
        if (asked.isPresent()) {
            found(ctx, column, LocalColumnStats.get(streams, asked.getAsInt(), column));
            return;
        }
        final KeyQueryMetadata owner = streams.queryMetadataForKey(StatsTopology.COLUMN_STATS_STORE, column, KEYS);
        if (owner == null || owner.activeHost() == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner)) {
            throw new StatsUnavailableException("no instance holds column '" + column + "' at the moment");
        }
        if (owner.activeHost().equals(service.applicationServer())) {
            found(ctx, column, LocalColumnStats.get(streams, owner.partition(), column));
        } else {
            relay(ctx, peers.column(owner.activeHost(), column, owner.partition()));
        }
    }

    /**
     * The column's windows that overlap [from, to), from the {@link StatsTopology#WINDOW_STATS_STORE}
     * of the instance holding the column (the store is partitioned by column, like column-stats).
     */
    private void windows(final Context ctx) {
        final String column = ctx.pathParam("column");
        final Set<String> accepted = Set.of(PARTITION, FROM, TO);
        final String partitionText = parameter(ctx, PARTITION, accepted);
        final Instant to = instant(parameter(ctx, TO, accepted), TO, clock.instant());
        final Instant from = instant(parameter(ctx, FROM, accepted), FROM, to.minus(DEFAULT_WINDOW_SPAN));
        if (from.isAfter(to)) {
            throw new BadQueryException("query parameter '" + FROM + "' (" + from + ") is after '" + TO + "' (" + to + ")");
        }
        final KafkaStreams streams = running();
        if (partitionText != null) {
            foundWindows(ctx, column, LocalWindowStats.get(streams, partitionNumber(partitionText), column, from, to, windowSize,
                    windowRetention, clock.instant()));
            return;
        }
        final KeyQueryMetadata owner = streams.queryMetadataForKey(StatsTopology.WINDOW_STATS_STORE, column, KEYS);
        if (owner == null || owner.activeHost() == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner)) {
            throw new StatsUnavailableException("no instance holds the windows of column '" + column + "' at the moment");
        }
        if (owner.activeHost().equals(service.applicationServer())) {
            foundWindows(ctx, column, LocalWindowStats.get(streams, owner.partition(), column, from, to, windowSize,
                    windowRetention, clock.instant()));
        } else {
            relay(ctx, peers.windows(owner.activeHost(), column, owner.partition(), from, to));
        }
    }

    private static Instant instant(final String text, final String parameter, final Instant absent) {
        if (text == null) {
            return absent;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadQueryException("query parameter '" + parameter + "' is not an ISO-8601 instant such as "
                    + "2026-11-25T12:00:00Z: '" + text + "'");
        }
    }

    private static void foundWindows(final Context ctx, final String column, final Optional<List<WindowStats>> windows) {
        if (windows.isPresent()) {
            // Through the wire's serde, not Javalin's mapper: the instants must be the ISO-8601 text
            // window-averages carries, which Javalin's mapper cannot write.
            final ByteArrayOutputStream json = new ByteArrayOutputStream();
            json.write('[');
            for (final WindowStats window : windows.get()) {
                if (json.size() > 1) {
                    json.write(',');
                }
                json.writeBytes(WINDOW_JSON.serialize(Topics.WINDOW_AVERAGES, window));
            }
            json.write(']');
            ctx.contentType(ContentType.APPLICATION_JSON).result(json.toByteArray());
        } else {
            ctx.status(404).json(new QueryError("no windows for column '" + column + "'", column));
        }
    }

    private void all(final Context ctx) {
        final Optional<Set<Integer>> asked = partitions(ctx);
        final KafkaStreams streams = running();
        if (asked.isPresent()) {
            ctx.json(inColumnOrder(LocalColumnStats.read(streams, asked.get())));
            return;
        }
        final HostInfo self = service.applicationServer();
        final Map<HostInfo, Set<Integer>> owners = owners(streams);
        final List<CompletableFuture<List<ColumnStats>>> remote = new ArrayList<>();
        owners.forEach((owner, partitions) -> {
            if (!owner.equals(self)) {
                remote.add(peers.partitions(owner, partitions));
            }
        });
        final List<ColumnStats> gathered = new ArrayList<>(LocalColumnStats.read(streams, owners.getOrDefault(self, Set.of())));
        remote.forEach(answer -> gathered.addAll(PeerClient.await(answer)));
        ctx.json(inColumnOrder(gathered));
    }

    /**
     * Which instance holds which partitions of the store, as this instance sees the assignment. Only
     * active partitions count (an instance that holds only standbys is not asked); a partition held
     * twice or a gap means the assignment is changing, and the answer would not be whole.
     */
    private Map<HostInfo, Set<Integer>> owners(final KafkaStreams streams) {
        final Map<HostInfo, Set<Integer>> owners = new LinkedHashMap<>();
        final NavigableSet<Integer> held = new TreeSet<>();
        for (final StreamsMetadata instance : streams.streamsMetadataForStore(StatsTopology.COLUMN_STATS_STORE)) {
            final Set<Integer> partitions = new TreeSet<>();
            for (final TopicPartition partition : instance.topicPartitions()) {
                if (partition.topic().equals(totalsTopic)) {
                    if (!held.add(partition.partition())) {
                        throw new StatsUnavailableException("two instances hold partition " + partition.partition() + " at the moment");
                    }
                    partitions.add(partition.partition());
                }
            }
            if (!partitions.isEmpty()) {
                owners.put(instance.hostInfo(), partitions);
            }
        }
        if (held.isEmpty() || held.size() != held.last() + 1) {
            throw new StatsUnavailableException("partitions of the statistics have no instance at the moment (held: " + held + ")");
        }
        return owners;
    }

    private KafkaStreams running() {
        final Health ready = service.readiness();
        if (!ready.ok()) {
            throw new StatsUnavailableException("this instance is not running: " + ready.reason());
        }
        return service.streams();
    }

    private static void found(final Context ctx, final String column, final Optional<ColumnStats> stats) {
        if (stats.isPresent()) {
            ctx.json(stats.get());
        } else {
            ctx.status(404).json(new QueryError("no statistics for column '" + column + "'", column));
        }
    }

    /** The owner's answer, as it gave it: its 404 and 503 (with its Retry-After) are this answer too. */
    private static void relay(final Context ctx, final HttpResponse<byte[]> answer) {
        ctx.status(answer.statusCode());
        answer.headers().firstValue("Retry-After").ifPresent(seconds -> ctx.header("Retry-After", seconds));
        ctx.contentType(answer.headers().firstValue("Content-Type").orElse("application/json")).result(answer.body());
    }

    private static List<ColumnStats> inColumnOrder(final List<ColumnStats> stats) {
        return stats.stream().sorted(COLUMN_ORDER).toList();
    }

    private static boolean isPosition(final String column) {
        return !column.isEmpty() && column.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static OptionalInt partition(final Context ctx) {
        final String value = parameter(ctx, PARTITION, Set.of(PARTITION));
        return value == null ? OptionalInt.empty() : OptionalInt.of(partitionNumber(value));
    }

    private static Optional<Set<Integer>> partitions(final Context ctx) {
        final String value = parameter(ctx, PARTITIONS, Set.of(PARTITIONS));
        if (value == null) {
            return Optional.empty();
        }
        final Set<Integer> partitions = new TreeSet<>();
        for (final String number : value.split(",", -1)) {
            partitions.add(partitionNumber(number));
        }
        return Optional.of(partitions);
    }

    /**
     * The value of query parameter {@code name} (null when absent) of a route that takes those
     * {@code accepted}; any other, or one given twice, is a mistake worth a 400.
     */
    private static String parameter(final Context ctx, final String name, final Set<String> accepted) {
        for (final Map.Entry<String, List<String>> parameter : ctx.queryParamMap().entrySet()) {
            if (!accepted.contains(parameter.getKey())) {
                throw new BadQueryException("unknown query parameter '" + parameter.getKey() + "'");
            }
            if (parameter.getValue().size() != 1) {
                throw new BadQueryException("query parameter '" + parameter.getKey() + "' given " + parameter.getValue().size() + " times");
            }
        }
        return ctx.queryParam(name);
    }

    private static int partitionNumber(final String text) {
        try {
            final int partition = Integer.parseInt(text);
            if (partition >= 0) {
                return partition;
            }
        } catch (NumberFormatException e) {
            // Reported below, as a negative number is.
        }
        throw new BadQueryException("a partition is a number from 0, not '" + text + "'");
    }

    /** A request this route cannot take as given: a 400. */
    private static final class BadQueryException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        BadQueryException(final String message) {
            super(message, null, false, false);
        }
    }
}
