package io.streamavg.topology;

import io.streamavg.service.ServiceCommand;
import io.streamavg.service.ServiceRunner;

/** {@code streamavg topology}: one Kafka Streams instance of the statistics topology. */
public final class TopologyMain {

    public static final ServiceCommand COMMAND = new ServiceCommand("topology",
            "Runs one Kafka Streams instance that parses raw-lines and keeps per-column statistics, published to column-averages.",
            TopologyConfig.DEFINITION, settings -> new TopologyService(new TopologyConfig(settings)));

    private TopologyMain() {
    }

    public static void main(final String[] args) {
        ServiceRunner.main(COMMAND, args);
    }
}
