package io.streamavg.bridge;

import java.util.HashMap;
import java.util.Map;

/** Connection rules as the bridge's options give them, for tests that build connections themselves. */
final class TestRules {

    private TestRules() {
    }

    /** The rules of a bridge started with {@code options} (name, value, …) and the defaults otherwise. */
    static ConnectionRules with(final String... options) {
        final Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap-servers", "unused:9092");
        for (int i = 0; i < options.length; i += 2) {
            settings.put(options[i], options[i + 1]);
        }
        return ConnectionRules.of(new BridgeConfig(settings));
    }
}
