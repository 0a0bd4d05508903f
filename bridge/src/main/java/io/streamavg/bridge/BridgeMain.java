package io.streamavg.bridge;

import io.streamavg.service.ServiceCommand;
import io.streamavg.service.ServiceRunner;
import java.util.List;

/** {@code streamavg bridge}: the TCP ingest server as a process. */
public final class BridgeMain {

    public static final ServiceCommand COMMAND = new ServiceCommand("bridge",
            "Accepts CSV lines over TCP and publishes each one, unchanged, as a record on the raw-lines topic.",
            BridgeConfig.DEFINITION, settings -> new BridgeServer(new BridgeConfig(settings)));

    private BridgeMain() {
    }

    public static void main(final String[] args) {
        final int code = ServiceRunner.run(COMMAND, List.of(args), System.getenv(), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }
}
