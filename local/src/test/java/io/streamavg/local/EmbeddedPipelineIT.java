package io.streamavg.local;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** The end-to-end scenarios on {@code streamavg local}'s own stack: the in-process broker and the three services. */
class EmbeddedPipelineIT extends PipelineScenarios {

    @Override
    Pipeline start(final Path dataDir, final Path db) throws Exception {
        final LocalStack stack = new LocalStack(new LocalConfig(Map.of(
                "port", "0",
                LocalConfig.KAFKA_PORT, "0",
                LocalConfig.DATA_DIR, dataDir.toString(),
                "db", db.toString())));
        final AtomicReference<Throwable> fatal = new AtomicReference<>();
        try {
            stack.start(fatal::set);
        } catch (Exception e) {
            stack.close();
            throw e;
        }
        return new Pipeline() {
            @Override
            public int ingestPort() {
                return stack.ingestPort();
            }

            @Override
            public String bootstrapServers() {
                return stack.bootstrapServers();
            }

            @Override
            public long linesPublished() {
                return stack.bridge().counters().published();
            }

            @Override
            public void close() {
                stack.close();
                if (fatal.get() != null) {
                    throw new AssertionError("the local stack failed while running", fatal.get());
                }
            }
        };
    }
}
