package io.streamavg.bridge;

import io.streamavg.service.ServiceCommand;
import io.streamavg.service.ServiceRunner;

/** {@code streamavg bridge}: the TCP ingest server as a process. */
public final class BridgeMain {

    public static final ServiceCommand COMMAND = new ServiceCommand("bridge",
            "Accepts CSV lines over TCP and publishes each one, unchanged, as a record on the raw-lines topic.",
            BridgeConfig.DEFINITION, settings -> new BridgeServer(new BridgeConfig(settings)));

    private BridgeMain() {
    }

    public static void main(final String[] args) {
        ServiceRunner.main(COMMAND, args);
    }
}
