package io.streamavg.topology;

import io.streamavg.runtime.ServiceCommand;
import io.streamavg.runtime.ServiceContext;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/** {@code streamavg topology}: one Kafka Streams instance of the statistics topology. */
public final class TopologyCommand implements ServiceCommand {

    @Override
    public String name() {
        return "topology";
    }

    @Override
    public String summary() {
        return "Runs one Kafka Streams instance that parses raw-lines and keeps per-column statistics, published to column-averages.";
    }

    @Override
    public ConfigDef options() {
        return StatsTopologyConfig.DEFINITION;
    }

    @Override
    public TopologyService create(final Map<String, String> settings, final ServiceContext context) {
        return new TopologyService(new StatsTopologyConfig(settings), context);
    }
}
