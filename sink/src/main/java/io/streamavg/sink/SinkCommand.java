package io.streamavg.sink;

import io.streamavg.runtime.ServiceCommand;
import io.streamavg.runtime.ServiceContext;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/** {@code streamavg sink}: the SQLite writer as a process of its own. */
public final class SinkCommand implements ServiceCommand {

    @Override
    public String name() {
        return "sink";
    }

    @Override
    public String summary() {
        return "Writes the column-averages changelog into the averages table of a SQLite file, exactly once.";
    }

    @Override
    public ConfigDef options() {
        return SinkConfig.DEFINITION;
    }

    @Override
    public SqliteSink create(final Map<String, String> settings, final ServiceContext context) {
        return new SqliteSink(new SinkConfig(settings), context);
    }
}
