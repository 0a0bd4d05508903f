package io.streamavg.local;

import io.streamavg.runtime.ServiceCommand;
import io.streamavg.runtime.ServiceContext;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/** {@code streamavg local}: the whole pipeline in one process, around a real Kafka broker. */
public final class LocalCommand implements ServiceCommand {

    @Override
    public String name() {
        return "local";
    }

    @Override
    public String summary() {
        return "Runs a real single-node Kafka broker in this process, creates the topics, then bridge, topology and sink: "
                + "the whole pipeline from one command.";
    }

    @Override
    public ConfigDef options() {
        return LocalConfig.DEFINITION;
    }

    @Override
    public LocalStack create(final Map<String, String> settings, final ServiceContext context) {
        return new LocalStack(new LocalConfig(settings), context);
    }
}
