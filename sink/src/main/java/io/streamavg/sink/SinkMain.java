package io.streamavg.sink;

import io.streamavg.service.ServiceCommand;
import io.streamavg.service.ServiceRunner;

/** {@code streamavg sink}: the SQLite writer as a process of its own. */
public final class SinkMain {

    public static final ServiceCommand COMMAND = new ServiceCommand("sink",
            "Writes the column-averages changelog into the averages table of a SQLite file, exactly once.",
            SinkConfig.DEFINITION, settings -> new SqliteSink(new SinkConfig(settings)));

    private SinkMain() {
    }

    public static void main(final String[] args) {
        ServiceRunner.main(COMMAND, args);
    }
}
