package io.streamavg.sink;

import io.streamavg.runtime.ServiceCommand;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.runtime.ServiceRunner;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/**
 * {@code streamavg sink OPTIONS} in a JVM of its own, run by {@link ServiceRunner} as the launcher
 * runs it, but on a test's own topics: {@code SinkChild AVERAGES_TOPIC OPTIONS…}.
 */
final class SinkChild {

    private SinkChild() {
    }

    public static void main(final String[] args) {
        final SqliteSink.SourceTopics topics = new SqliteSink.SourceTopics(args[0], args[0] + "-windows");
        final SinkCommand sink = new SinkCommand();
        final ServiceCommand command = new ServiceCommand() {
            @Override
            public String name() {
                return sink.name();
            }

            @Override
            public String summary() {
                return sink.summary();
            }

            @Override
            public ConfigDef options() {
                return sink.options();
            }

            @Override
            public SqliteSink create(final Map<String, String> settings, final ServiceContext context) {
                return new SqliteSink(new SinkConfig(settings), context, topics, Clock.systemUTC());
            }
        };
        final List<String> options = Arrays.asList(args).subList(1, args.length);
        System.exit(ServiceRunner.run(command, options, Map.of(), System.out, System.err));
    }
}
