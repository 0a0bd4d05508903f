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
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    }
}
