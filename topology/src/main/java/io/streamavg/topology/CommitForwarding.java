package io.streamavg.topology;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * Lets a processor forward records while Kafka Streams prepares a commit, outside the processing
 * of any record or punctuation, as its own record caches do when they flush: forwarding needs the
 * task to know which node is forwarding, and a record context for the sinks.
 *
 * <p>This is how {@link LineFolder} puts its partials into the very transaction that commits the
 * lines they hold, instead of into the next one after a punctuation: a line's statistics then wait
 * for one commit, not for a punctuation and then a commit. It reaches Kafka Streams' internal
 * {@link InternalProcessorContext}, which every task's context implements; pinned by
 * {@code StatsTopologyTest} ({@code TopologyTestDriver}) and the tests against a real broker.
 */
final class CommitForwarding {

    private final InternalProcessorContext<?, ?> context;
    private final ProcessorNode<?, ?, ?, ?> node;

    private CommitForwarding(final InternalProcessorContext<?, ?> context, final ProcessorNode<?, ?, ?, ?> node) {
        this.context = context;
        this.node = node;
    }

    /**
     * For the processor being initialised with {@code context}: called from its {@code init}, while
     * Kafka Streams has it as the current node. A context that is not a task's (a unit test's
     * {@code MockProcessorContext}) forwards from anywhere: then the forwarding simply runs.
     */
    static CommitForwarding of(final ProcessorContext<?, ?> context) {
        if (context instanceof InternalProcessorContext<?, ?> internal) {
            if (internal.currentNode() == null) {
                throw new IllegalStateException("no current node while a processor is initialised: this Kafka Streams "
                        + "initialises processors differently from the 4.4 the topology was built for");
            }
            return new CommitForwarding(internal, internal.currentNode());
        }
        return new CommitForwarding(null, null);
    }

    /** Runs {@code forwarding} as this processor, its records timestamped {@code timestamp} unless they say otherwise. */
    void run(final long timestamp, final Runnable forwarding) {
        if (context == null) {
            forwarding.run();
            return;
        }
        final ProcessorNode<?, ?, ?, ?> previousNode = context.currentNode();
        final ProcessorRecordContext previousRecord = context.recordContext();
        // What Kafka Streams gives a punctuation: no source record, so no offset, partition or topic.
        context.setRecordContext(new ProcessorRecordContext(timestamp, -1L, -1, null, new RecordHeaders()));
        context.setCurrentNode(node);
        try {
            forwarding.run();
        } finally {
            context.setCurrentNode(previousNode);
            context.setRecordContext(previousRecord);
        }
    }
}
