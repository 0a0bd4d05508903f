package io.streamavg.bridge;

import io.streamavg.runtime.ServiceRunner;
import java.util.List;

/** {@code streamavg bridge} as a process of its own, for tests that need the bridge in a JVM of given size. */
public final class BridgeMain {

    private BridgeMain() {
    }

    public static void main(final String[] args) {
        System.exit(ServiceRunner.run(new BridgeCommand(), List.of(args), System.getenv(), System.out, System.err));
    }
}
