package io.streamavg.bridge;

import io.streamavg.runtime.ServiceCommand;
import io.streamavg.runtime.ServiceContext;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/** {@code streamavg bridge}: the TCP ingest server as a process. */
public final class BridgeCommand implements ServiceCommand {

    @Override
    public String name() {
        return "bridge";
    }

    @Override
    public String summary() {
        return "Accepts CSV lines over TCP and publishes each one, unchanged, as a record on the raw-lines topic.";
    }

    @Override
    public ConfigDef options() {
        return BridgeConfig.DEFINITION;
    }

    @Override
    public BridgeServer create(final Map<String, String> settings, final ServiceContext context) {
        return new BridgeServer(new BridgeConfig(settings), context);
    }
}
