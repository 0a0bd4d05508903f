package io.streamavg.sink;

import io.streamavg.service.ServiceCommand;
import io.streamavg.service.ServiceRunner;
import java.util.List;

/** {@code streamavg sink}: the SQLite writer as a process of its own. */
public final class SinkMain {

    public static final ServiceCommand COMMAND = new ServiceCommand("sink",
            "Writes the column-averages changelog into the averages table of a SQLite file, exactly once.",
            SinkConfig.DEFINITION, settings -> new SqliteSink(new SinkConfig(settings)));

    private SinkMain() {
    }

    public static void main(final String[] args) {
        final int code = ServiceRunner.run(COMMAND, List.of(args), System.getenv(), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }
}
