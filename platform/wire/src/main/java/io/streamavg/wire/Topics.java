package io.streamavg.wire;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/** The topics of the pipeline: their names and how they are created. */
public final class Topics {

    /** Every line the bridge received, unchanged; record timestamp = receipt time. */
    public static final String RAW_LINES = "raw-lines";
    /** Lines that could not be parsed, whole, with {@link DeadLetterHeaders} saying why. */
    public static final String RAW_LINES_DLQ = "raw-lines-dlq";
    /** Column name to {@link ColumnStats}: the changelog of the cumulative statistics. */
    public static final String COLUMN_AVERAGES = "column-averages";
    /** {@link WindowKey} to {@link WindowStats}: the changelog of the per-window statistics. */
    public static final String WINDOW_AVERAGES = "window-averages";

    private Topics() {
    }

    /**
     * The topics to create, with {@code partitions} for the input (the topology's parallelism)
     * and the broker's default replication factor.
     */
    public static List<NewTopic> definitions(final int partitions) {
        return List.of(
                new NewTopic(RAW_LINES, Optional.of(partitions), Optional.empty()),
                new NewTopic(RAW_LINES_DLQ, Optional.of(partitions), Optional.empty()),
                // Compacted: the latest statistics per column is all a new reader needs.
                new NewTopic(COLUMN_AVERAGES, Optional.of(partitions), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                // Compacted for the latest statistics per window, and deleted by age (the broker's
                // retention.ms) since old windows never change again.
                new NewTopic(WINDOW_AVERAGES, Optional.of(partitions), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                                TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE)));
    }
}
